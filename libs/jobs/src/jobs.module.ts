import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { loggableError } from '@app/observability';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { QueueName } from './job-catalogue';
import { JobProducer } from './job-producer';
import { redisConnectionOptions } from './redis-connection';

export interface JobsModuleOptions {
  /** `redis://` or `rediss://` URL (config `redis.url`). */
  redisUrl: string;
  /** Key prefix of every queue (config `redis.prefix`); tests use a unique one each. */
  prefix: string;
}

/** Injection token of the {@link JobsModuleOptions}. */
export const JOBS_MODULE_OPTIONS = Symbol('JOBS_MODULE_OPTIONS');

const QUEUES = Object.values(QueueName);

/**
 * BullMQ on the configured Redis: the shared connection (`BullModule.forRoot`), one registered
 * queue per {@link QueueName}, and the {@link JobProducer} over them. Global, so processors
 * (`@Processor(QueueName.Build)`) anywhere in the app find their queue's connection.
 */
@Module({})
export class JobsModule {
  static forRoot(options: JobsModuleOptions): DynamicModule {
    const connection = redisConnectionOptions(options.redisUrl);
    return {
      module: JobsModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: options.prefix }),
        BullModule.registerQueue(...QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        { provide: JOBS_MODULE_OPTIONS, useValue: options },
        {
          provide: JobProducer,
          inject: QUEUES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) => {
            const report = queueErrorReporter();
            queues.forEach((queue, index) =>
              queue.on('error', (error: unknown) => report(QUEUES[index], error)),
            );
            return new JobProducer(
              Object.fromEntries(QUEUES.map((name, index) => [name, queues[index]])) as Record<
                QueueName,
                Queue
              >,
            );
          },
        },
      ],
      exports: [BullModule, JobProducer, JOBS_MODULE_OPTIONS],
    };
  }
}

const logger = new Logger('JobQueues');
/** At most one line per this many ms while Redis is away (a reconnecting client errs often). */
const WARN_INTERVAL_MS = 60_000;

/**
 * A queue re-emits its Redis connection's errors (Redis gone, or a connection closed while a
 * process shuts down); an `error` event nobody listens to would end the process. The reporter
 * logs them (class, code and our own messages only; at most one line a minute for all the
 * queues, with how many more there were) and the connection reconnects by itself.
 */
function queueErrorReporter(): (queue: QueueName, error: unknown) => void {
  let lastWarning = -Infinity;
  let unreported = 0;
  return (queue, error) => {
    const now = Date.now();
    if (now - lastWarning < WARN_INTERVAL_MS) {
      unreported += 1;
      return;
    }
    lastWarning = now;
    const more = unreported;
    unreported = 0;
    logger.warn(
      { queue, err: loggableError(error), ...(more > 0 ? { errorsSinceLastLine: more } : {}) },
      'queue connection error (Redis unreachable?)',
    );
  };
}
