import { JobName, type JobOf, type JobProducer } from '@app/jobs';
import { SIS_ID_MAX_LENGTH, type SisReader } from '@app/sis';
import { type PublisherStore, type SyncRunEntity, parseRunRequest, parseWatermarks } from '@app/store';
import { loggableError } from '@app/observability';
import { Logger } from '@nestjs/common';
import { failureReason, isRetryable, jobFailureReason } from '../pipeline-errors';
import { type PipelineMetrics, stageTimer } from '../pipeline-metrics';
import { type RunFinaliser } from '../runs/run-finaliser';
import { isFinished } from '../runs/run-completion';
import { LearnerBatcher } from './learner-batcher';

/** The watermark key of a source: the SIS reader's high watermark spans every record set. */
export const RUN_WATERMARK_KEY = 'all-record-sets';

/** Learners per build batch by default. */
export const DEFAULT_BATCH_SIZE = 100;

/** What an extraction did. */
export type ExtractRunOutcome =
  | { status: 'extracted'; batches: number; learners: number; resumed: boolean }
  | { status: 'skipped'; reason: 'unknown-run' | 'run-finished' | 'already-extracted' }
  | { status: 'failed'; reason: string };

/** How the job is being attempted (BullMQ's attempt count against the queue policy). */
export interface JobAttempt {
  /** No retry follows if this attempt throws: the handler fails the run instead. */
  final: boolean;
}

export interface ExtractRunJobDeps {
  store: PublisherStore;
  readers: { get(name: string): SisReader };
  producer: JobProducer;
  finaliser: RunFinaliser;
  batchSize?: number;
  /** The first configured source's name: versions no run built (operator republishes) are its. */
  defaultSource: string;
  /** The extract stage's duration, per extraction attempt. */
  metrics?: Pick<PipelineMetrics, 'startStage'>;
}

/**
 * ExtractRun: pages through a run's learner ids in the SIS and writes them as build batches, each
 * queued at once as a BuildBatch job (run id + batch id; the ids stay in the store). Full runs
 * page every learner, then add the source's learners still published (an active assertion or a
 * CLR not revoked) that the SIS no longer has (the build finds them gone and revokes);
 * incremental runs page the learners changed since the committed watermark (less the overlap),
 * and all of them when there is none;
 * republish runs batch the ids they were given. The high watermark (full and incremental runs;
 * a republish leaves it where it is) is taken before any paging, kept on the run, and committed
 * only when the run succeeds.
 */
export class ExtractRunJob {
  private readonly batchSize: number;
  private readonly logger = new Logger('ExtractRun');

  constructor(private readonly deps: ExtractRunJobDeps) {
    this.batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  async handle(
    data: JobOf<JobName.ExtractRun>,
    attempt: JobAttempt = { final: false },
  ): Promise<ExtractRunOutcome> {
    const run = await this.deps.store.runs.get(data.runId);
    if (run === null) return { status: 'skipped', reason: 'unknown-run' };
    if (isFinished(run.status)) return { status: 'skipped', reason: 'run-finished' };
    const start = await this.deps.store.plans.beginExtract(run.id);
    if (start === 'missing') {
      await this.deps.finaliser.finish(run.id, 'failed', 'the run has no plan');
      return { status: 'failed', reason: 'the run has no plan' };
    }
    if (start === 'done') {
      await this.deps.finaliser.complete(run.id);
      return { status: 'skipped', reason: 'already-extracted' };
    }
    await this.deps.store.runs.start(run.id);
    const stopTimer = stageTimer(this.deps.metrics, 'extract');
    try {
      const { batches, learners } = await this.extract(run, start === 'resumed');
      await this.deps.store.plans.finishExtract(run.id);
      stopTimer();
      this.logger.log({ runId: run.id, batches, learners, resumed: start === 'resumed' }, 'run extracted');
      await this.deps.finaliser.complete(run.id);
      return { status: 'extracted', batches, learners, resumed: start === 'resumed' };
    } catch (error) {
      stopTimer();
      if (attempt.final || !isRetryable(error)) {
        const reason = `extraction failed: ${failureReason(error)}`;
        await this.deps.finaliser.finish(run.id, 'failed', reason);
        return { status: 'failed', reason };
      }
      this.logger.warn(
        { runId: run.id, err: loggableError(error) },
        'extraction attempt failed; it will be retried',
      );
      throw error;
    }
  }

  /**
   * The run's extraction job failed for good without its handler finishing the run (it stalled
   * more often than allowed, or its last attempt threw before the handler could): the run fails,
   * with what failed the job, and frees its source.
   */
  async failForGood(data: JobOf<JobName.ExtractRun>, error: unknown): Promise<void> {
    const run = await this.deps.store.runs.get(data.runId);
    if (run === null || isFinished(run.status)) return;
    // Extracted after all (a worker that had lost the job's lock finished it): the batches decide.
    if ((await this.deps.store.plans.get(run.id))?.extractStatus === 'done') {
      await this.deps.finaliser.complete(run.id);
      return;
    }
    await this.deps.finaliser.finish(run.id, 'failed', `extraction failed: ${jobFailureReason(error)}`);
  }

  private async extract(
    run: SyncRunEntity,
    resumed: boolean,
  ): Promise<{ batches: number; learners: number }> {
    const { store } = this.deps;
    const reader = this.deps.readers.get(run.source);
    // A republish reads only the learners it names: moving the source's watermark would make the
    // next incremental run skip every other learner's changes made before it.
    if (run.mode !== 'republish' && parseWatermarks(run)[RUN_WATERMARK_KEY] === undefined) {
      const high = await reader.highWatermark();
      if (high !== null) await store.runs.setPendingWatermarks(run.id, { [RUN_WATERMARK_KEY]: high });
    }
    const plan = await store.plans.get(run.id);
    const request = plan === null ? {} : parseRunRequest(plan);
    const batcher = new LearnerBatcher(
      this.batchSize,
      resumed ? await this.batchedBefore(run.id) : new Set(),
    );
    let batches = 0;
    let learners = 0;
    const write = async (full: string[][]): Promise<void> => {
      for (const ids of full) {
        const batch = await store.plans.addBatch(run.id, ids);
        await this.deps.producer.enqueue({
          name: JobName.BuildBatch,
          data: { runId: run.id, batchId: batch.id },
        });
        batches += 1;
        learners += ids.length;
      }
    };
    for await (const page of this.learnerPages(run, reader, request.learnerIds))
      await write(batcher.add(await this.usableIds(run.id, page)));
    if (run.mode === 'full') {
      // Learners deleted from the SIS leave nothing to page: the store's own list of this
      // source's learners finds them.
      for (let afterRef: string | undefined; ;) {
        const known = await store.versions.listLearnersToReconcile({
          source: run.source,
          defaultSource: run.source === this.deps.defaultSource,
          afterRef,
          limit: 1000,
        });
        if (known.length === 0) break;
        await write(batcher.add(known.map((row) => row.learnerId).filter((id) => !batcher.has(id))));
        afterRef = known[known.length - 1].learnerRef;
      }
    }
    await write(batcher.flush());
    return { batches, learners };
  }

  /**
   * The ids a batch can hold. A learner id longer than the SIS contract allows (a garbage value
   * in some row) is left out with a problem that gives its length, not the value: one such row
   * must not fail the source's every run.
   */
  private async usableIds(runId: string, ids: readonly string[]): Promise<readonly string[]> {
    const tooLong = ids.filter((id) => id.length > SIS_ID_MAX_LENGTH);
    if (tooLong.length === 0) return ids;
    await this.deps.store.runs.appendProblems(
      runId,
      tooLong.map((id) => ({
        recordSet: 'clr_learners',
        key: `a learner id of ${id.length} characters`,
        reason: `learner ids have at most ${SIS_ID_MAX_LENGTH} characters (SIS contract): the rows naming this one are not read (find them with LEN(learner_id) > ${SIS_ID_MAX_LENGTH})`,
        effect: 'skipped',
      })),
    );
    return ids.filter((id) => id.length <= SIS_ID_MAX_LENGTH);
  }

  private async *learnerPages(
    run: SyncRunEntity,
    reader: SisReader,
    republish: readonly string[] | undefined,
  ): AsyncGenerator<readonly string[]> {
    switch (run.mode) {
      case 'republish':
        yield republish ?? [];
        return;
      case 'incremental': {
        const committed = await this.deps.store.watermarks.get(run.source, RUN_WATERMARK_KEY);
        yield* committed === null ? reader.learnerIdPages() : reader.changedLearnerIdPages(committed.value);
        return;
      }
      case 'full':
        yield* reader.learnerIdPages();
        return;
    }
  }

  /**
   * A retried extraction skips the learners an earlier attempt batched already, and queues
   * those batches again (a crash may have come between writing a batch and queueing its job).
   */
  private async batchedBefore(runId: string): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let afterSeq: number | undefined; ;) {
      const batches = await this.deps.store.plans.listBatches(runId, {
        afterSeq,
        limit: 200,
        withLearners: true,
      });
      if (batches.length === 0) break;
      for (const batch of batches) {
        for (const id of this.deps.store.plans.learnerIdsOf(batch)) seen.add(id);
        if (batch.status === 'pending') {
          await this.deps.producer.enqueue({ name: JobName.BuildBatch, data: { runId, batchId: batch.id } });
        }
      }
      afterSeq = batches[batches.length - 1].seq;
    }
    return seen;
  }
}
