import { JOBS_MODULE_OPTIONS, JobProducer, type JobsModuleOptions, QueueName } from '@app/jobs';
import { ClrMetrics, type QueueState } from '@app/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { OpsRedis } from '../health/ops-redis';

/**
 * Lets `/metrics` read every queue's job counts at each scrape, through the fail-fast ops
 * connection (a scrape while Redis is down reports the queues down instead of hanging). Its own
 * queues' connection errors are heard and dropped (an EventEmitter's unheard 'error' would end
 * the process; a Redis outage shows up in /health and as queue_up 0); the producer's queues'
 * are logged by JobsModule.
 */
@Injectable()
export class QueueDepthWatcher implements OnModuleInit, OnApplicationShutdown {
  private queues: Queue[] = [];

  constructor(
    private readonly metrics: ClrMetrics,
    private readonly redis: OpsRedis,
    private readonly producer: JobProducer,
    @Inject(JOBS_MODULE_OPTIONS) private readonly jobs: JobsModuleOptions,
  ) {}

  onModuleInit(): void {
    const names = Object.values(QueueName);
    // The producer's own queues' errors are logged by JobsModule.
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
}
