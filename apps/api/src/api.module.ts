import { type AppConfig } from '@app/config';
import { PublishingModule, type PublishingAppOptions, SyncSchedulingModule } from '@app/publishing';
import { type DynamicModule, Module } from '@nestjs/common';
import { AdminOperationsModule } from './admin/admin-operations.module';
import { type ApiFoundationOptions, ApiFoundationModule } from './foundation/api-foundation.module';
import { PublicClrModule } from './public/public-clr.module';
import { LearnerWalletsModule } from './wallets/learner-wallets.module';

export interface ApiModuleOptions extends PublishingAppOptions, ApiFoundationOptions {
  config: AppConfig;
  /** Register the configured sync schedules (default true; tests and a second api instance may say false). */
  schedules?: boolean;
}

/** The api app: HTTP endpoints, and the cron schedules that trigger sync runs. */
@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PublishingModule.forApp(options.config, {
          migrations: options.migrations,
          queuePrefix: options.queuePrefix,
        }),
        ApiFoundationModule.forRoot(options),
        PublicClrModule,
        AdminOperationsModule,
        LearnerWalletsModule,
        ...(options.schedules === false ? [] : [SyncSchedulingModule]),
      ],
    };
  }
}
