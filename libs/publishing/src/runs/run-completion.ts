import { FINISHED_RUN_STATUSES, type RunStatus, type SyncRunPlanEntity } from '@app/store';

/** Whether a run status is final (succeeded, failed, cancelled). */
export function isFinished(status: RunStatus): boolean {
  return (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
}

/** What a run's plan says about finishing it. */
export type RunCompletion =
  | { finish: false }
  | { finish: true; status: 'succeeded' }
  | { finish: true; status: 'failed'; error: string };

/**
 * Decides from the plan alone whether the run is over: the extraction has written every batch
 * and every batch is settled. A batch given up after its retries fails the run, so its watermark
 * is not committed and the next incremental run reads those learners again. Learners whose CLR
 * was invalid do not fail the run: they are counted and reported as problems.
 */
export function runCompletion(
  plan: Pick<SyncRunPlanEntity, 'extractStatus' | 'batchesTotal' | 'batchesDone' | 'batchesFailed'>,
): RunCompletion {
  if (plan.extractStatus !== 'done') return { finish: false };
  const settled = plan.batchesDone + plan.batchesFailed;
  if (settled < plan.batchesTotal) return { finish: false };
  if (plan.batchesFailed > 0) {
    return {
      finish: true,
      status: 'failed',
      error: `${plan.batchesFailed} of ${plan.batchesTotal} build batch(es) failed after their retries`,
    };
  }
  return { finish: true, status: 'succeeded' };
}
