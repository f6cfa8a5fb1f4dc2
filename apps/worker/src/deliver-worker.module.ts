import { type DynamicModule, Module } from '@nestjs/common';
import {
  DeliveryModule,
  type DeliveryModuleOptions,
  RedisSharedTargetLimits,
  type SharedLimitsRedis,
} from '@app/delivery';
import { JOBS_MODULE_OPTIONS, JobProducer, type JobsModuleOptions, QueueName } from '@app/jobs';
import { JobProducerDeliveryQueue } from './deliver-queue.adapter';
import {
  DELIVER_WORKER_OPTIONS,
  DeliverWorkerLifecycle,
  type DeliverWorkerOptions,
} from './deliver-worker.lifecycle';
import { DeliverProcessor } from './deliver.processor';

export interface DeliveryWorkerModuleOptions extends DeliverWorkerOptions {
  /** Delivery settings overrides (tests: short backoff, staleness). */
  settings?: DeliveryModuleOptions['settings'];
  /** HTTP client options (timeouts, `requireHttps`). */
  http?: DeliveryModuleOptions['http'];
}

/**
 * The deliver consumer, ready to run in any Nest application context that also has
 * `ClrConfigModule`, `StoreModule` and `JobsModule` (all global): the worker app, the CLI's
 * in-process mode, the demo and the end-to-end tests. Exports {@link DeliveryModule}'s
 * services (targets, handler, sweeper) and the lifecycle.
 */
@Module({})
export class DeliveryWorkerModule {
  static forRoot(options: DeliveryWorkerModuleOptions = {}): DynamicModule {
    const { settings, http, ...worker } = options;
    const delivery = DeliveryModule.forRoot({
      queue: {
        inject: [JobProducer],
        useFactory: (producer: JobProducer) => new JobProducerDeliveryQueue(producer),
      },
      // Every worker process of the deployment keeps a target's limits together, on the
      // queues' Redis under the queues' prefix.
      sharedLimits: {
        inject: [JobProducer, JOBS_MODULE_OPTIONS],
        useFactory: (producer: JobProducer, jobs: JobsModuleOptions) =>
          new RedisSharedTargetLimits(
            async () => (await producer.queue(QueueName.Deliver).client) as unknown as SharedLimitsRedis,
            jobs.prefix,
          ),
      },
      ...(settings !== undefined ? { settings } : {}),
      ...(http !== undefined ? { http } : {}),
    });
    return {
      module: DeliveryWorkerModule,
      imports: [delivery],
      providers: [
        { provide: DELIVER_WORKER_OPTIONS, useValue: worker },
        DeliverProcessor,
        DeliverWorkerLifecycle,
      ],
      exports: [delivery, DeliverWorkerLifecycle],
    };
  }
}
