import { type AppConfig } from '@app/config';
import { QueueName } from '@app/jobs';
import { type LogLevel, MetricsModule, createLogger, nestLoggerModule } from '@app/observability';
import { PublishingModule, type PublishingAppOptions } from '@app/publishing';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { type DestinationStream } from 'pino';
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
  /** The JSON log lines (service `worker`). */
  logging?: {
    /** Lowest level written; default the configuration's `logging.level`. */
    level?: LogLevel;
    /** Where lines go; default stdout (tests and the demo pass a stream or file). */
    destination?: DestinationStream;
  };
  /**
   * How often the work metrics are published to Redis for the api's `/metrics`, ms; default
   * 10000. A last snapshot is published when the worker stops.
   */
  metricsIntervalMs?: number;
}

/** The worker's log level: `logging.level`, else the configuration's. */
export function workerLogLevel(options: Pick<WorkerModuleOptions, 'config' | 'logging'>): LogLevel {
  return options.logging?.level ?? options.config.logging.level;
}

/** Consumer modules every worker runs besides extract and build (the deliver queue's goes here). */
export const DEFAULT_CONSUMERS: (Type | DynamicModule)[] = [];

/**
 * The worker: BullMQ consumers for the pipeline's queues (no HTTP listener), its JSON logger
 * (nestjs-pino: `startWorker` makes it Nest's logger) and its metrics, published to Redis under
 * the queue prefix for the api's `/metrics`. Used by `apps/worker/src/main.ts`, by
 * `clr-publisher sync --inline` and by the demo, which run the same consumers in-process.
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
    const level = workerLogLevel(options);
    const logger = createLogger({ level, service: 'worker', destination: options.logging?.destination });
    return {
      module: WorkerModule,
      imports: [
        // Silent: no Nest logger at all, so an api in the same process keeps its own (tests).
        ...(level === 'silent' ? [] : [nestLoggerModule({ logger })]),
        // The api reads snapshots under its queue prefix: publish under the same one.
        MetricsModule.forRoot({
          publishSnapshots: {
            redisUrl: config.redis.url,
            prefix: options.queuePrefix ?? config.redis.prefix,
            intervalMs: options.metricsIntervalMs,
            logger,
          },
        }),
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
