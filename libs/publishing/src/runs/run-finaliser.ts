import { loggableError } from '@app/observability';
import { FINISHED_RUN_STATUSES, type FinishedRunStatus, type PublisherStore } from '@app/store';
import { Logger } from '@nestjs/common';
import { type PipelineMetrics } from '../pipeline-metrics';
import { runCompletion } from './run-completion';

/**
 * Ends runs. Any worker may call {@link RunFinaliser.complete} after settling a batch or finishing
 * an extraction; the run's guarded `finish` lets exactly one of them end it, and that one
 * commits the watermarks (on success) and frees the source's slot in the same transaction.
 * That one also counts the run's final status and logs it (run id, status, reason: ids only).
 */
export class RunFinaliser {
  private readonly logger = new Logger('Runs');

  constructor(
    private readonly store: PublisherStore,
    private readonly metrics?: Pick<PipelineMetrics, 'recordRun'>,
  ) {}

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
    const finished = await this.store.transaction(async (tx) => {
      const run = await tx.runs.get(runId);
      if (run === null || (FINISHED_RUN_STATUSES as readonly string[]).includes(run.status)) return false;
      const done = await tx.runs.finish(runId, status, { error });
      if (done) await tx.slots.release(run.source, runId);
      return done;
    });
    if (finished) this.report(runId, status, error);
    return finished;
  }

  /** After the commit: a rolled-back finish is neither counted nor logged. */
  private report(runId: string, status: FinishedRunStatus, error: string | null): void {
    try {
      this.metrics?.recordRun(status);
      if (status === 'failed') this.logger.warn({ runId, status, detail: error }, 'run failed');
      else this.logger.log({ runId, status }, 'run finished');
    } catch (failure) {
      // Counting or logging must never undo a finished run.
      this.logger.error({ runId, err: loggableError(failure) }, 'run finish not reported');
    }
  }
}
