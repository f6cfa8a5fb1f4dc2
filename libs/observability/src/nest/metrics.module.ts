import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { type Logger } from 'pino';
import { ClrMetrics, type ClrMetricsOptions } from '../metrics/clr-metrics';
import { MetricsSnapshotPublisher } from '../metrics/metrics-snapshots';
import { loggableError } from '../logging/safe-error';

export interface MetricsModuleOptions extends ClrMetricsOptions {
  /**
   * Publish this process's work metrics to Redis for the api's `/metrics` (workers, which have
   * no HTTP listener). Leave out in the api.
   */
  publishSnapshots?: {
    /** `redis://` URL (config `redis.url`). */
    redisUrl: string;
    /** Key prefix (config `redis.prefix`). */
    prefix: string;
    /** ms; default 10000. */
    intervalMs?: number;
    /** Where failed publishes are reported (at warn, ids only). */
    logger?: Logger;
  };
}

const METRICS_MODULE_OPTIONS = Symbol('METRICS_MODULE_OPTIONS');

/** Starts and stops the snapshot publisher with the app. */
@Injectable()
class SnapshotPublishing implements OnApplicationBootstrap, OnApplicationShutdown {
  private publisher: MetricsSnapshotPublisher | undefined;
  private redis: Redis | undefined;
  private startTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: ClrMetrics,
    @Optional() @Inject(METRICS_MODULE_OPTIONS) private readonly options?: MetricsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const publish = this.options?.publishSnapshots;
    if (publish === undefined) return;
    // Fail fast while Redis is down: a snapshot that cannot be written is skipped, not queued.
    this.redis = new Redis(publish.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported per publish below
    let warned = false;
    this.publisher = new MetricsSnapshotPublisher(this.metrics, {
      redis: this.redis,
      prefix: publish.prefix,
      intervalMs: publish.intervalMs,
      onError: (error) => {
        if (warned) return;
        warned = true;
        publish.logger?.warn(
          { err: loggableError(error) },
          'metrics snapshot not published (Redis unreachable?)',
        );
      },
    });
    // The first snapshot waits for the connection (without the offline queue, a command sent
    // while connecting fails at once); after one interval it starts anyway, so an unreachable
    // Redis is reported.
    const publisher = this.publisher;
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      clearTimeout(this.startTimer);
      publisher.start();
    };
    this.redis.once('ready', start);
    this.startTimer = setTimeout(start, publish.intervalMs ?? 10_000);
    this.startTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.startTimer);
    await this.publisher?.stop();
    this.redis?.disconnect();
  }
}

/**
 * Provides one {@link ClrMetrics} per app, globally: inject it wherever work is counted
 * (`constructor(private readonly metrics: ClrMetrics)`).
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [
        { provide: METRICS_MODULE_OPTIONS, useValue: options },
        { provide: ClrMetrics, useFactory: () => new ClrMetrics(options) },
        SnapshotPublishing,
      ],
      exports: [ClrMetrics],
    };
  }
}
