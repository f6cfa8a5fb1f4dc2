import { type Job, type Queue, type Worker } from 'bullmq';

/** When a job's run is told that the job failed for good, and how often that is tried. */
export interface FailedJobSettleOptions {
  /**
   * Left to a worker that lost the job's lock while still working on it (its event loop held up,
   * Redis out of reach): it settles the batch itself meanwhile, and the run is told nothing.
   */
  graceMs: number;
  /** Tries to tell the run (the store may be down too), one grace period apart. */
  tries: number;
  /**
   * At start, jobs that failed this long ago at most are settled again: a process that stopped
   * within a grace period left its settles undone (telling a run twice changes nothing).
   */
  lookBackMs: number;
}

export const FAILED_JOB_SETTLE: FailedJobSettleOptions = {
  graceMs: 5 * 60_000,
  tries: 12,
  lookBackMs: 24 * 3600_000,
};

/** Failed jobs read per page by {@link FailedJobSettler.sweep}. */
const SWEEP_PAGE = 200;

/**
 * Tells a job's run that the job failed for good: no retry follows. BullMQ emits `failed` after
 * every failed attempt, retried or not, and also when it fails a job that stalled more often
 * than allowed (its worker died or hung each time), which no handler saw; only a job whose state
 * is `failed` is done for, at the time it fails and again when the grace period is over (an
 * operator may have queued it again). A `settle` that throws is tried again; what it throws goes
 * to `onError`, with `final` on the last try. Nothing of it lives only in memory: at start,
 * {@link sweep} settles the queue's recently failed jobs again.
 */
export class FailedJobSettler {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Jobs with a settle waiting, by id: one settle per job at a time. */
  private readonly waiting = new Set<string>();
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

  /**
   * Settles the jobs of `queue` that failed within `lookBackMs` before `now`, each once its
   * grace period (counted from when it failed) is over. Returns how many it took up.
   */
  async sweep(queue: Pick<Queue, 'getFailed'>, now: number = Date.now()): Promise<number> {
    let taken = 0;
    for (let start = 0; !this.closed; start += SWEEP_PAGE) {
      // Newest first: the first job failed too long ago ends the sweep.
      const jobs = await queue.getFailed(start, start + SWEEP_PAGE - 1);
      for (const job of jobs) {
        const failedAt = job.finishedOn ?? job.timestamp;
        if (now - failedAt > this.options.lookBackMs) return taken;
        const error = new Error(job.failedReason);
        this.later(job, error, 1, Math.max(0, failedAt + this.options.graceMs - now));
        taken += 1;
      }
      if (jobs.length < SWEEP_PAGE) break;
    }
    return taken;
  }

  /** Drops the settles still waiting (the process is stopping). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
  }

  private async ifFailedForGood(job: Job, then: () => void | Promise<void>): Promise<void> {
    try {
      if ((await job.getState()) === 'failed') await then();
    } catch (error) {
      this.onError(error, job, true);
    }
  }

  private later(job: Job, error: Error, attempt: number, delayMs = this.options.graceMs): void {
    if (this.closed || job.id === undefined) return;
    if (attempt === 1 && this.waiting.has(job.id)) return;
    this.waiting.add(job.id);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.settleNow(job, error, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async settleNow(job: Job, error: Error, attempt: number): Promise<void> {
    let again = false;
    await this.ifFailedForGood(job, async () => {
      try {
        await this.settle(job, error);
      } catch (settleError) {
        const final = attempt >= this.options.tries || this.closed;
        this.onError(settleError, job, final);
        again = !final;
      }
    });
    if (again) this.later(job, error, attempt + 1);
    else this.waiting.delete(job.id!);
  }
}
