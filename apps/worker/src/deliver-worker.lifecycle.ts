import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type AppConfig, InjectAppConfig } from '@app/config';
import { DELIVERY_SERVICES, type DeliveryServices, type TargetSyncReport } from '@app/delivery';
import { loggableError } from '@app/observability';
import { DeliverProcessor } from './deliver.processor';

/** Options of {@link DeliveryWorkerModule}. */
export interface DeliverWorkerOptions {
  /**
   * Consume the deliver queue and sweep. Default true; false (a worker started for other queues)
   * still syncs the targets so builds find them.
   */
  consume?: boolean;
  /** Jobs run at once; default `delivery.workerConcurrency`, else the enabled targets' summed. */
  concurrency?: number;
  /** Sweep interval, ms; default `delivery.sweepIntervalSeconds`. */
  sweepIntervalMs?: number;
  /** Run the recovery sweeper (on start and every interval). Default true. */
  sweep?: boolean;
}

export const DELIVER_WORKER_OPTIONS = Symbol('DELIVER_WORKER_OPTIONS');

/** Most deliver jobs one process runs at once when derived from the targets. */
const MAX_DERIVED_CONCURRENCY = 256;

/**
 * Starts the deliver consumer in order: targets synced from the configuration (so credentials
 * and limits are known), concurrency set, worker running, then the recovery sweeper (at once
 * and every interval; it only enqueues). Stops the sweeper before the app closes Redis.
 */
@Injectable()
export class DeliverWorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('deliver');
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly processor: DeliverProcessor,
    @Inject(DELIVERY_SERVICES) private readonly services: DeliveryServices,
    @InjectAppConfig() private readonly config: AppConfig,
    @Inject(DELIVER_WORKER_OPTIONS) private readonly options: DeliverWorkerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const worker = this.processor.worker;
    // Listened to even when it never runs: its connection may still err while it is closed.
    worker.on('error', (error) =>
      this.logger.error({ queue: 'deliver', err: loggableError(error) }, 'queue worker error'),
    );
    const consume = this.options.consume !== false;
    const reports = await this.services.targets.syncFromConfig({ resolveCredentials: consume });
    for (const report of reports) this.logTarget(report);
    if (!consume) return;
    worker.concurrency = this.concurrency();
    worker.run().catch((error: unknown) => {
      this.logger.error({ queue: 'deliver', err: loggableError(error) }, 'queue worker stopped');
    });
    if (this.options.sweep === false) return;
    this.sweep();
    const interval = this.options.sweepIntervalMs ?? this.config.delivery.sweepIntervalSeconds * 1000;
    this.timer = setInterval(() => this.sweep(), interval);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** The concurrency in use (after bootstrap). */
  concurrency(): number {
    if (this.options.concurrency !== undefined) return this.options.concurrency;
    if (this.config.delivery.workerConcurrency !== undefined) return this.config.delivery.workerConcurrency;
    const summed = this.config.delivery.targets
      .filter((target) => target.enabled)
      .reduce((sum, target) => sum + target.concurrency, 0);
    return Math.min(MAX_DERIVED_CONCURRENCY, Math.max(1, summed));
  }

  private sweep(): void {
    if (this.sweeping !== undefined) return;
    this.sweeping = this.services.sweeper
      .sweep()
      .then((report) => {
        if (report.due + report.pending + report.stale > 0) {
          this.logger.log(`sweep queued ${report.due} due, ${report.pending} pending, ${report.stale} stale`);
        }
      })
      .catch((error: unknown) => {
        // Logged and tried again at the next tick: the rows stay in the database meanwhile.
        this.logger.error({ err: loggableError(error) }, 'delivery sweep failed');
      })
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private logTarget(report: TargetSyncReport): void {
    const state = report.enabled
      ? 'enabled'
      : report.removedFromConfig
        ? 'disabled (not configured)'
        : 'disabled';
    const credentials =
      typeof report.credentials === 'string'
        ? report.credentials
        : `not ready (${report.credentials.code}: ${report.credentials.error})`;
    const line = `target ${report.name}: ${state}, credentials ${credentials}`;
    if (typeof report.credentials === 'string') this.logger.log(line);
    else this.logger.warn(line);
  }
}
