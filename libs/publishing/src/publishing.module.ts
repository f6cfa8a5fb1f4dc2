import { CaseModule, CaseResolver } from '@app/case';
import { setSigningThreadCount } from '@app/clr';
import { APP_CONFIG, type AppConfig, ClrConfigModule, masterKeyBytes } from '@app/config';
import { JOBS_MODULE_OPTIONS, JobProducer, type JobsModuleOptions, JobsModule, QueueName } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { ClrMetrics } from '@app/observability';
import { SisModule, SisReaders } from '@app/sis';
import { type MigrationPolicy, PublisherStore, StoreModule, storeOptionsFromConfig } from '@app/store';
import { type DynamicModule, Module } from '@nestjs/common';
import { BatchComposer } from './build/batch-composer';
import { BuildBatchJob } from './build/build-batch.job';
import { LearnerPublisher } from './build/learner-publisher';
import { ExtractRunJob } from './extract/extract-run.job';
import { PublicationUrls } from './keys/publication-urls';
import { SigningKeyService } from './keys/signing-key.service';
import { RevocationListService } from './revocation/revocation-list.service';
import { RunFinaliser } from './runs/run-finaliser';
import { type LockRedis, RedisRunTriggerLock, type RunTriggerLock } from './runs/run-trigger.lock';
import { SyncRunService } from './runs/sync-run.service';

/** The app's metrics when it has them (`MetricsModule`, global): the CLI's commands do not. */
const OPTIONAL_METRICS = { token: ClrMetrics, optional: true } as const;

/** Injection token of the {@link RunTriggerLock} (Redis by default). */
export const RUN_TRIGGER_LOCK = Symbol('RUN_TRIGGER_LOCK');

export interface PublishingAppOptions {
  /** Default `verify`: refuse a store that lacks migrations (`apply` for the demo and tests). */
  migrations?: MigrationPolicy;
  /** Queue key prefix instead of `redis.prefix` (tests use a unique one each). */
  queuePrefix?: string;
}

/**
 * The publishing pipeline's services: runs (trigger, follow, cancel, resume), the ExtractRun and
 * BuildBatch job handlers, signing keys and revocation lists. Needs, globally, the configuration
 * (`ClrConfigModule`), the store (`StoreModule`) and the queues (`JobsModule`): see
 * {@link PublishingModule.forApp} for all of them at once.
 */
@Module({
  imports: [SisModule, CaseModule.forAppConfig()],
  providers: [
    {
      provide: ClrIdFactory,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret),
    },
    {
      provide: PublicationUrls,
      inject: [APP_CONFIG, ClrIdFactory],
      useFactory: (config: AppConfig, ids: ClrIdFactory) => new PublicationUrls(config.publicBaseUrl, ids),
    },
    {
      provide: SigningKeyService,
      inject: [PublisherStore, PublicationUrls],
      useFactory: (store: PublisherStore, urls: PublicationUrls) => new SigningKeyService(store, urls),
    },
    {
      provide: RevocationListService,
      inject: [PublisherStore, PublicationUrls],
      useFactory: (store: PublisherStore, urls: PublicationUrls) => new RevocationListService(store, urls),
    },
    {
      provide: RunFinaliser,
      inject: [PublisherStore, OPTIONAL_METRICS],
      useFactory: (store: PublisherStore, metrics?: ClrMetrics) => new RunFinaliser(store, metrics),
    },
    {
      provide: RUN_TRIGGER_LOCK,
      inject: [JobProducer, JOBS_MODULE_OPTIONS],
      useFactory: (producer: JobProducer, options: JobsModuleOptions): RunTriggerLock =>
        new RedisRunTriggerLock(
          async () => (await producer.queue(QueueName.Extract).client) as unknown as LockRedis,
          { prefix: options.prefix },
        ),
    },
    {
      provide: SyncRunService,
      inject: [PublisherStore, APP_CONFIG, JobProducer, RUN_TRIGGER_LOCK, RunFinaliser],
      useFactory: (
        store: PublisherStore,
        config: AppConfig,
        producer: JobProducer,
        lock: RunTriggerLock,
        finaliser: RunFinaliser,
      ) => new SyncRunService(store, config, producer, lock, finaliser),
    },
    {
      provide: BatchComposer,
      inject: [APP_CONFIG, SisReaders, CaseResolver],
      useFactory: (config: AppConfig, readers: SisReaders, resolver: CaseResolver) =>
        new BatchComposer({ config, readers, resolver }),
    },
    {
      provide: LearnerPublisher,
      inject: [PublisherStore, SigningKeyService, ClrIdFactory],
      useFactory: (store: PublisherStore, keys: SigningKeyService, ids: ClrIdFactory) =>
        new LearnerPublisher(store, keys, ids),
    },
    {
      provide: ExtractRunJob,
      inject: [APP_CONFIG, PublisherStore, SisReaders, JobProducer, RunFinaliser, OPTIONAL_METRICS],
      useFactory: (
        config: AppConfig,
        store: PublisherStore,
        readers: SisReaders,
        producer: JobProducer,
        finaliser: RunFinaliser,
        metrics?: ClrMetrics,
      ) =>
        new ExtractRunJob({
          store,
          readers,
          producer,
          finaliser,
          batchSize: config.pipeline.batchSize,
          defaultSource: config.sis.sources[0].name,
          metrics,
        }),
    },
    {
      provide: BuildBatchJob,
      inject: [
        APP_CONFIG,
        PublisherStore,
        BatchComposer,
        LearnerPublisher,
        JobProducer,
        RunFinaliser,
        ClrIdFactory,
        OPTIONAL_METRICS,
      ],
      useFactory: (
        config: AppConfig,
        store: PublisherStore,
        composer: BatchComposer,
        publisher: LearnerPublisher,
        producer: JobProducer,
        finaliser: RunFinaliser,
        ids: ClrIdFactory,
        metrics?: ClrMetrics,
      ) => {
        // Process-wide: the worker that builds decides how many threads sign (0: the default).
        if (config.pipeline.signingThreads > 0) setSigningThreadCount(config.pipeline.signingThreads);
        return new BuildBatchJob({
          store,
          composer,
          publisher,
          producer,
          finaliser,
          ids,
          defaultSource: config.sis.sources[0].name,
          learnerConcurrency: config.pipeline.learnerConcurrency,
          metrics,
        });
      },
    },
  ],
  exports: [
    ClrIdFactory,
    PublicationUrls,
    SigningKeyService,
    RevocationListService,
    RunFinaliser,
    SyncRunService,
    ExtractRunJob,
    BuildBatchJob,
    SisModule,
  ],
})
export class PublishingModule {
  /**
   * Everything an app needs for the pipeline from one validated configuration: the config
   * module, the store, BullMQ on `redis` and this module. Apps (api, worker, CLI) import this.
   */
  static forApp(config: AppConfig, options: PublishingAppOptions = {}): DynamicModule {
    return {
      module: PublishingAppModule,
      imports: [
        ClrConfigModule.forRoot({ config }),
        StoreModule.forRoot({
          store: storeOptionsFromConfig(config.store),
          masterKey: masterKeyBytes(config),
          migrations: options.migrations,
        }),
        JobsModule.forRoot({
          redisUrl: config.redis.url,
          prefix: options.queuePrefix ?? config.redis.prefix,
        }),
        PublishingModule,
      ],
      exports: [PublishingModule],
    };
  }
}

/** The module {@link PublishingModule.forApp} returns (a dynamic module needs its own class). */
@Module({})
export class PublishingAppModule {}
