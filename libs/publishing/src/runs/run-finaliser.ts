import { FINISHED_RUN_STATUSES, type FinishedRunStatus, type PublisherStore } from '@app/store';
import { runCompletion } from './run-completion';

/**
 * Ends runs. Any worker may call {@link RunFinaliser.complete} after settling a batch or finishing
 * an extraction; the run's guarded `finish` lets exactly one of them end it, and that one
 * commits the watermarks (on success) and frees the source's slot in the same transaction.
 */
export class RunFinaliser {
  constructor(private readonly store: PublisherStore) {}

  /** Finishes the run when its plan says it is over; true when this call finished it. */
  async complete(runId: string): Promise<boolean> {
    const plan = await this.store.plans.get(runId);
    if (plan === null) return false;
    const decision = runCompletion(plan);
    if (!decision.finish) return false;
    return this.finish(runId, decision.status, decision.status === 'failed' ? decision.error : null);
  }

  /**
   * Ends a queued or running run as `status` and frees its source's slot; false when it had
   * ended already. Watermarks are committed only for `succeeded`.
   */
  async finish(runId: string, status: FinishedRunStatus, error: string | null = null): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const run = await tx.runs.get(runId);
      if (run === null || (FINISHED_RUN_STATUSES as readonly string[]).includes(run.status)) return false;
      const finished = await tx.runs.finish(runId, status, { error });
      if (finished) await tx.slots.release(run.source, runId);
      return finished;
    });
  }
}
