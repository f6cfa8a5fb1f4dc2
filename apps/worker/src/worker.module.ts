import { type AppConfig } from '@app/config';
import { QueueName } from '@app/jobs';
import { PublishingModule, type PublishingAppOptions } from '@app/publishing';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { DeliveryWorkerModule } from './deliver-worker.module';
import { BuildConsumer } from './pipeline/build.consumer';
import { ExtractConsumer } from './pipeline/extract.consumer';
import { ALL_QUEUES, WORKER_OPTIONS, type WorkerOptions } from './pipeline/worker-options';

export interface WorkerModuleOptions extends PublishingAppOptions {
  config: AppConfig;
  /** Queues to consume; default all of them. */
  queues?: readonly QueueName[];
  /**
   * More consumer modules (e.g. the deliver queue's), imported next to the pipeline's. Each
   * should consume only when its queue is in {@link WorkerModuleOptions.queues}.
   */
  consumers?: readonly (Type | DynamicModule)[];
}

/** Consumer modules every worker runs besides extract and build (the deliver queue's goes here). */
export const DEFAULT_CONSUMERS: (Type | DynamicModule)[] = [];

/**
 * The worker: BullMQ consumers for the pipeline's queues (no HTTP listener). Used by
 * `apps/worker/src/main.ts`, by `clr-publisher sync --inline` and by the demo, which run the same
 * consumers in-process.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    const { config } = options;
    const workerOptions: WorkerOptions = {
      queues: options.queues ?? ALL_QUEUES,
      concurrency: {
        [QueueName.Extract]: config.pipeline.extractConcurrency,
        [QueueName.Build]: config.pipeline.buildConcurrency,
      },
    };
    return {
      module: WorkerModule,
      imports: [
        PublishingModule.forApp(config, { migrations: options.migrations, queuePrefix: options.queuePrefix }),
        DeliveryWorkerModule.forRoot({ consume: workerOptions.queues.includes(QueueName.Deliver) }),
        ...DEFAULT_CONSUMERS,
        ...(options.consumers ?? []),
      ],
      providers: [{ provide: WORKER_OPTIONS, useValue: workerOptions }, ExtractConsumer, BuildConsumer],
      exports: [WORKER_OPTIONS],
    };
  }
}
