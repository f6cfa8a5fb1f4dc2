import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
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
          useFactory: (...queues: Queue[]) =>
            new JobProducer(
              Object.fromEntries(QUEUES.map((name, index) => [name, queues[index]])) as Record<
                QueueName,
                Queue
              >,
            ),
        },
      ],
      exports: [BullModule, JobProducer, JOBS_MODULE_OPTIONS],
    };
  }
}
