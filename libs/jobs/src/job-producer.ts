import { type JobsOptions, type Queue } from 'bullmq';
import { JOB_QUEUE, type JobItem, type QueueName, jobIdOf } from './job-catalogue';
import { QUEUE_POLICY } from './queue-policy';
import { withRedisDeadline } from './redis-deadline';

/** Per-job options a producer may set besides the queue's policy. */
export interface EnqueueOptions {
  /** Delivery attempt number (part of a DeliverClr job id); default 0. */
  attempt?: number;
  /** Milliseconds to wait before the job may run. */
  delayMs?: number;
  /**
   * How long to wait for Redis, ms (a request an operator waits on); without it, as long as the
   * connection waits. A job whose add timed out may still be added once Redis is back.
   */
  timeoutMs?: number;
}

/** The queues a producer writes to, by name (BullMQ `Queue`s on one Redis and prefix). */
export type JobQueues = Readonly<Record<QueueName, Queue>>;

/**
 * Queues jobs of the catalogue: routed by {@link JOB_QUEUE}, deterministic job ids by
 * {@link jobIdOf}, retry policy by {@link QUEUE_POLICY}. Adding a job whose id is already in
 * its queue (waiting, active, delayed or kept after completion) adds nothing.
 */
export class JobProducer {
  constructor(private readonly queues: JobQueues) {}

  /** Queues one job; resolves when Redis has it. Returns the job id. */
  async enqueue(item: JobItem, options: EnqueueOptions = {}): Promise<string> {
    const [id] = await this.enqueueMany([item], options);
    return id;
  }

  /**
   * Queues many jobs, one round trip per queue. Returns their job ids in the order given.
   * Ids only: never put a document, a secret or a student id in `data`.
   */
  async enqueueMany(items: readonly JobItem[], options: EnqueueOptions = {}): Promise<string[]> {
    const byQueue = new Map<QueueName, { name: string; data: JobItem['data']; opts: JobsOptions }[]>();
    const ids: string[] = [];
    for (const item of items) {
      const queue = JOB_QUEUE[item.name];
      const jobId = jobIdOf(item, options.attempt ?? 0);
      ids.push(jobId);
      const opts: JobsOptions = { ...QUEUE_POLICY[queue], jobId };
      if (options.delayMs !== undefined && options.delayMs > 0) opts.delay = Math.round(options.delayMs);
      let list = byQueue.get(queue);
      if (list === undefined) byQueue.set(queue, (list = []));
      list.push({ name: item.name, data: item.data, opts });
    }
    const added = Promise.all(
      [...byQueue].map(([queue, jobs]) =>
        jobs.length === 1
          ? this.queues[queue].add(jobs[0].name, jobs[0].data, jobs[0].opts)
          : this.queues[queue].addBulk(jobs),
      ),
    );
    await (options.timeoutMs === undefined
      ? added
      : withRedisDeadline(added, options.timeoutMs, 'queueing a job'));
    return ids;
  }

  /**
   * Queues the jobs again where they are not queued any more: a job whose id is still kept as
   * failed or completed (which {@link enqueueMany} would leave as it is) is moved back to wait
   * with its attempts reset; a missing one is added; a waiting, delayed or active one is left.
   * Returns how many were added or moved back.
   */
  async requeueMany(items: readonly JobItem[]): Promise<number> {
    let requeued = 0;
    for (const item of items) {
      const queue = this.queues[JOB_QUEUE[item.name]];
      const job = await queue.getJob(jobIdOf(item, 0));
      const state = job === undefined ? 'missing' : await job.getState();
      if (state === 'failed' || state === 'completed') {
        await job!.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
        requeued += 1;
      } else if (state === 'missing' || state === 'unknown') {
        await this.enqueue(item);
        requeued += 1;
      }
    }
    return requeued;
  }

  /** The BullMQ queue behind a name (counts, draining in tests, the Redis client). */
  queue(name: QueueName): Queue {
    return this.queues[name];
  }
}
