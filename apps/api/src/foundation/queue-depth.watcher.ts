import { JOBS_MODULE_OPTIONS, type JobsModuleOptions, QueueName } from '@app/jobs';
import { ClrMetrics } from '@app/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { OpsRedis } from '../health/ops-redis';

/**
 * Lets `/metrics` read every queue's job counts at each scrape, through the fail-fast ops
 * connection (a scrape while Redis is down reports the queues down instead of hanging).
 */
@Injectable()
export class QueueDepthWatcher implements OnModuleInit, OnApplicationShutdown {
  private queues: Queue[] = [];

  constructor(
    private readonly metrics: ClrMetrics,
    private readonly redis: OpsRedis,
    @Inject(JOBS_MODULE_OPTIONS) private readonly jobs: JobsModuleOptions,
  ) {}

  onModuleInit(): void {
    this.queues = Object.values(QueueName).map(
      (name) => new Queue(name, { connection: this.redis.client, prefix: this.jobs.prefix }),
    );
    for (const queue of this.queues) queue.on('error', () => undefined); // reported as queue_up 0
    this.metrics.watchQueues(this.queues);
  }

  async onApplicationShutdown(): Promise<void> {
    this.metrics.watchQueues([]);
    // The connection is shared (OpsRedis closes it): closing a queue leaves it open.
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
  }
}
