import { type Job, type Worker } from 'bullmq';

/**
 * Calls `settle` for each job of the worker's queue that failed for good: no retry follows. BullMQ
 * emits `failed` after every failed attempt, retried or not, and also when it fails a job that
 * stalled more often than allowed (its worker died or hung each time), which no handler saw; only
 * a job whose state is `failed` is done for. What `settle` throws goes to `onError`.
 */
export function settleJobsFailedForGood(
  worker: Worker,
  settle: (job: Job, error: Error) => Promise<void>,
  onError: (error: unknown, job: Job) => void,
): void {
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    void (async () => {
      if ((await job.getState()) !== 'failed') return;
      await settle(job, error);
    })().catch((settleError: unknown) => onError(settleError, job));
  });
}
