import { type Job, type Worker } from 'bullmq';

/** When a job's run is told that the job failed for good, and how often that is tried. */
export interface FailedJobSettleOptions {
  /**
   * Left to a worker that lost the job's lock while still working on it (its event loop held up,
   * Redis out of reach): it settles the batch itself meanwhile, and the run is told nothing.
   */
  graceMs: number;
  /** Tries to tell the run (the store may be down too), one grace period apart. */
  tries: number;
}

export const FAILED_JOB_SETTLE: FailedJobSettleOptions = { graceMs: 5 * 60_000, tries: 12 };

/**
 * Tells a job's run that the job failed for good: no retry follows. BullMQ emits `failed` after
 * every failed attempt, retried or not, and also when it fails a job that stalled more often
 * than allowed (its worker died or hung each time), which no handler saw; only a job whose state
 * is `failed` is done for, at the time it fails and again when the grace period is over (an
 * operator may have queued it again). A `settle` that throws is tried again; what it throws goes
 * to `onError`, with `final` on the last try.
 */
export class FailedJobSettler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly settle: (job: Job, error: Error) => Promise<void>,
    private readonly onError: (error: unknown, job: Job, final: boolean) => void,
    private readonly options: FailedJobSettleOptions = FAILED_JOB_SETTLE,
  ) {}

  /** Watches the worker's failed jobs. */
  watch(worker: Worker): void {
    worker.on('failed', (job, error) => {
      if (job !== undefined) void this.ifFailedForGood(job, () => this.later(job, error, 1));
    });
  }

  /** Drops the settles still waiting (the process is stopping). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async ifFailedForGood(job: Job, then: () => void | Promise<void>): Promise<void> {
    try {
      if ((await job.getState()) === 'failed') await then();
    } catch (error) {
      this.onError(error, job, true);
    }
  }

  private later(job: Job, error: Error, attempt: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.ifFailedForGood(job, async () => {
        try {
          await this.settle(job, error);
        } catch (settleError) {
          const final = attempt >= this.options.tries || this.closed;
          this.onError(settleError, job, final);
          if (!final) this.later(job, error, attempt + 1);
        }
      });
    }, this.options.graceMs);
    timer.unref();
    this.timers.add(timer);
  }
}
