import { CaseModule, CaseResolver } from '@app/case';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SisModule, SisReaders } from '@app/sis';
import { Module } from '@nestjs/common';
import { LearnerClrComposer } from './learner-clr-composer';

/**
 * Provides {@link LearnerClrComposer} for apps (api, worker) over the configured SIS sources and
 * the `case` section's resolver. Needs `ClrConfigModule.forRoot()` imported by the app.
 */
@Module({
  imports: [SisModule, CaseModule.forAppConfig()],
  providers: [
    {
      provide: LearnerClrComposer,
      inject: [APP_CONFIG, SisReaders, CaseResolver],
      useFactory: (config: AppConfig, readers: SisReaders, resolver: CaseResolver) =>
        new LearnerClrComposer({ config, readers, resolver }),
    },
  ],
  exports: [LearnerClrComposer, SisModule],
})
export class LearnerClrComposerModule {}
