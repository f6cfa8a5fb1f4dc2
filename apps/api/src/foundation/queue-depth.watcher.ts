import { JOBS_MODULE_OPTIONS, JobProducer, type JobsModuleOptions, QueueName } from '@app/jobs';
import { ClrMetrics, type QueueState, loggableError } from '@app/observability';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { OpsRedis } from '../health/ops-redis';

/**
 * Lets `/metrics` read every queue's job counts at each scrape, through the fail-fast ops
 * connection (a scrape while Redis is down reports the queues down instead of hanging), and
 * listens for the queues' connection errors: an EventEmitter's unheard 'error' would end the
 * process, and a Redis outage must show up in /health instead.
 */
@Injectable()
export class QueueDepthWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private queues: Queue[] = [];
  private lastWarning = 0;

  constructor(
    private readonly metrics: ClrMetrics,
    private readonly redis: OpsRedis,
    private readonly producer: JobProducer,
    @Inject(JOBS_MODULE_OPTIONS) private readonly jobs: JobsModuleOptions,
  ) {}

  onModuleInit(): void {
    const names = Object.values(QueueName);
    for (const name of names) this.producer.queue(name).on('error', (error) => this.warn(error));
    this.queues = names.map(
      (name) => new Queue(name, { connection: this.redis.client, prefix: this.jobs.prefix }),
    );
    for (const queue of this.queues) queue.on('error', () => undefined); // reported as queue_up 0
    // While the ops connection is down a queue would wait for it: report the queue down at once.
    this.metrics.watchQueues(
      this.queues.map((queue) => ({
        name: queue.name,
        getJobCounts: (...states: QueueState[]) =>
          this.redis.client.status === 'ready'
            ? queue.getJobCounts(...states)
            : Promise.reject(new Error('Redis is not connected')),
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.metrics.watchQueues([]);
    // The connection is shared (OpsRedis closes it): closing a queue leaves it open.
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
  }

  /** At most one line a minute while Redis is away. */
  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn({ err: loggableError(error) }, 'queue connection error (Redis unreachable?)');
  }
}
