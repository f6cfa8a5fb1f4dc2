import { APP_CONFIG, type AppConfig } from '@app/config';
import { Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { PublishingModule } from '../publishing.module';
import { SyncRunService } from '../runs/sync-run.service';
import { SyncScheduler } from './sync-scheduler';

/**
 * Registers the configured sync schedules (`sis.sources[].schedule`) when the app has started and
 * removes them when it stops. The api app imports it (next to `PublishingModule.forApp`).
 */
@Module({
  imports: [ScheduleModule.forRoot(), PublishingModule],
  providers: [
    {
      provide: SyncScheduler,
      inject: [SchedulerRegistry, SyncRunService, APP_CONFIG],
      useFactory: (registry: SchedulerRegistry, runs: SyncRunService, config: AppConfig) =>
        new SyncScheduler(registry, runs, config),
    },
  ],
  exports: [SyncScheduler],
})
export class SyncSchedulingModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(private readonly scheduler: SyncScheduler) {}

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  onModuleDestroy(): void {
    this.scheduler.stop();
  }
}
