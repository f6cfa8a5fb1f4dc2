import { type StoreRepositories } from '@app/store';
import { type DeliveryQueue } from './delivery-queue';
import { type DeliverySettings } from './delivery-settings';

/** What one sweep queued (job adds; a job already in the queue under the same id adds nothing). */
export interface SweepReport {
  /** `retrying` deliveries whose next attempt is due. */
  due: number;
  /** `pending` deliveries older than the grace period (their job may be lost). */
  pending: number;
  /** `in_flight` deliveries untouched for longer than `staleAfterMs` (their worker died). */
  stale: number;
}

/**
 * Recovery: puts deliveries whose job may be gone back on the queue. It only enqueues; the
 * handler's claim decides. Job ids name (delivery, attempts so far), so a delivery whose job is
 * still waiting or delayed is not queued twice; a job of that id that already finished is
 * replaced ({@link DeliveryQueue.requeue}), and its claim then finds nothing to do unless the
 * delivery really is due.
 *
 * - `retrying` with `nextAttemptAt <= now`: its delayed job was lost (Redis restarted).
 * - `pending` for longer than `pendingGraceMs`: the build's job was lost, or an operator requeued it.
 * - `in_flight` older than `staleAfterMs`: the worker crashed mid-post.
 */
export class DeliverySweeper {
  private readonly now: () => Date;
  private running: Promise<SweepReport> | undefined;

  constructor(
    private readonly store: Pick<StoreRepositories, 'deliveries'>,
    private readonly queue: DeliveryQueue,
    private readonly settings: Pick<
      DeliverySettings,
      'staleAfterMs' | 'pendingGraceMs' | 'sweepBatchSize' | 'now'
    >,
  ) {
    this.now = settings.now ?? (() => new Date());
  }

  /** One sweep; a call while one runs joins it. */
  sweep(): Promise<SweepReport> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const now = this.now();
    const limit = this.settings.sweepBatchSize;
    const report: SweepReport = { due: 0, pending: 0, stale: 0 };
    const jobs: { id: string; attempts: number }[] = [];
    const pendingBefore = now.getTime() - this.settings.pendingGraceMs;
    for (const delivery of await this.store.deliveries.listDue(now, { limit })) {
      if (delivery.status === 'pending') {
        // Fresh ones still have the job their creator queued.
        if (delivery.updatedAt.getTime() > pendingBefore) continue;
        report.pending += 1;
      } else {
        report.due += 1;
      }
      jobs.push(delivery);
    }
    const staleBefore = new Date(now.getTime() - this.settings.staleAfterMs);
    for (const delivery of await this.store.deliveries.listStale(staleBefore, { limit })) {
      report.stale += 1;
      jobs.push(delivery);
    }
    // A few adds at a time: pipelined by the Redis client, without flooding it.
    for (let start = 0; start < jobs.length; start += 50) {
      await Promise.all(jobs.slice(start, start + 50).map((job) => this.queue.requeue(job.id, job.attempts)));
    }
    return report;
  }
}
