import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  DeliveryTargetService,
  DynamicRegistrationClient,
  ProviderDiscoveryClient,
  publisherSoftwareOf,
} from '@app/delivery';
import { JobProducer } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { PublisherStore } from '@app/store';
import { Module } from '@nestjs/common';
import { PublishingModule } from '../publishing.module';
import { SyncRunService } from '../runs/sync-run.service';
import { AssertionOperations } from './assertion.operations';
import { DeliveryOperations } from './delivery.operations';
import { JobProducerDeliveryQueue } from './job-producer-delivery-queue';
import { RepublishOperations } from './republish.operations';
import { RunOperations } from './run.operations';
import { TargetOperations } from './target.operations';

/**
 * The operations an operator runs, for the admin API and the CLI alike (one implementation):
 * runs, republish, revoke/reinstate, deliveries, targets. Needs what
 * `PublishingModule.forApp` provides (configuration, store, queues).
 */
@Module({
  imports: [PublishingModule],
  providers: [
    {
      provide: RunOperations,
      inject: [PublisherStore, SyncRunService],
      useFactory: (store: PublisherStore, runs: SyncRunService) => new RunOperations(store, runs),
    },
    {
      provide: RepublishOperations,
      inject: [PublisherStore, SyncRunService, ClrIdFactory, APP_CONFIG],
      useFactory: (store: PublisherStore, runs: SyncRunService, ids: ClrIdFactory, config: AppConfig) =>
        new RepublishOperations(store, runs, ids, config),
    },
    {
      provide: AssertionOperations,
      inject: [PublisherStore, SyncRunService, ClrIdFactory, APP_CONFIG],
      useFactory: (store: PublisherStore, runs: SyncRunService, ids: ClrIdFactory, config: AppConfig) =>
        new AssertionOperations(store, runs, ids, config),
    },
    {
      provide: DeliveryOperations,
      inject: [PublisherStore, JobProducer],
      useFactory: (store: PublisherStore, producer: JobProducer) =>
        new DeliveryOperations(store, new JobProducerDeliveryQueue(producer)),
    },
    {
      provide: TargetOperations,
      inject: [PublisherStore, APP_CONFIG],
      useFactory: (store: PublisherStore, config: AppConfig) =>
        new TargetOperations(
          store,
          new DeliveryTargetService(
            store,
            config,
            new ProviderDiscoveryClient(),
            new DynamicRegistrationClient(),
            {
              software: publisherSoftwareOf(config),
            },
          ),
          config,
        ),
    },
  ],
  exports: [RunOperations, RepublishOperations, AssertionOperations, DeliveryOperations, TargetOperations],
})
export class OperationsModule {}
