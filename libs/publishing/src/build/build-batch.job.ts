import { JobName, type JobOf, type JobProducer } from '@app/jobs';
import { type ClrIdFactory } from '@app/mapping';
import { loggableError } from '@app/observability';
import {
  type PublisherStore,
  type RunBatchEntity,
  type RunProblemInput,
  type RunProgress,
  type SyncRunEntity,
  parseRunRequest,
} from '@app/store';
import { Logger } from '@nestjs/common';
import { type JobAttempt } from '../extract/extract-run.job';
import { failureReason, isRetryable, jobFailureReason } from '../pipeline-errors';
import { type PipelineMetrics, stageTimer } from '../pipeline-metrics';
import { isFinished } from '../runs/run-completion';
import { type RunFinaliser } from '../runs/run-finaliser';
import { type LearnerComposition, type PendingComposition } from '../compose/compose-outcome';
import { type BatchComposer } from './batch-composer';
import { forEachConcurrently } from './concurrency';
import { LEARNER_REMOVED_REASON, type LearnerPublisher, type PublishContext } from './learner-publisher';
import { learnerRefOf } from './learner-ref';
import { withoutWithheld } from './withheld-assertions';

/** Learners of a batch published at once: signing of one overlaps the store writes of another. */
export const DEFAULT_LEARNER_CONCURRENCY = 4;

/** What a build batch did. */
export type BuildBatchOutcome =
  | {
      status: 'built';
      built: number;
      unchanged: number;
      /** Learners whose CLR failed validation (also counted in `failed`). */
      invalid: number;
      failed: number;
      removed: number;
      deliveriesQueued: number;
    }
  | { status: 'skipped'; reason: 'unknown-batch' | 'already-settled' | 'run-finished' }
  | { status: 'failed'; reason: string };

export interface BuildBatchJobDeps {
  store: PublisherStore;
  composer: BatchComposer;
  publisher: LearnerPublisher;
  producer: JobProducer;
  finaliser: RunFinaliser;
  ids: ClrIdFactory;
  /** The first configured source's name: versions no run built (operator republishes) are its. */
  defaultSource: string;
  learnerConcurrency?: number;
  /** Learners built by outcome, CLRs signed and the build stage's duration, per settled batch. */
  metrics?: Pick<PipelineMetrics, 'recordLearnerBuilt' | 'recordClrsSigned' | 'startStage'>;
}

interface BatchTally {
  progress: Required<
    Pick<
      RunProgress,
      'learnersBuilt' | 'learnersUnchanged' | 'learnersFailed' | 'deliveriesQueued' | 'assertionsSigned'
    >
  >;
  removed: number;
  revoked: number;
  /** Learners whose CLR was invalid (within `progress.learnersFailed`). */
  invalid: number;
  problems: RunProblemInput[];
}

/**
 * BuildBatch: composes a batch's learners (one batched SIS read, map, validate with the fast
 * JSON-LD term check), and publishes each (without the assertions an operator revoked): invalid
 * CLRs are reported as problems and never signed;
 * unchanged ones (same content hash) are counted; changed ones are signed, stored and get their
 * deliveries, whose DeliverClr jobs are queued after the learner's transaction commits. The
 * batch's counters and problems are added when the batch is settled, exactly once, and the
 * run is finished by whichever worker settles its last batch. A settled batch is counted in the
 * metrics (learners by outcome, CLRs signed, its duration) and a failed or problem batch logged
 * with ids and counts only.
 */
export class BuildBatchJob {
  private readonly concurrency: number;
  private readonly logger = new Logger('BuildBatch');

  constructor(private readonly deps: BuildBatchJobDeps) {
    this.concurrency = deps.learnerConcurrency ?? DEFAULT_LEARNER_CONCURRENCY;
  }

  async handle(
    data: JobOf<JobName.BuildBatch>,
    attempt: JobAttempt = { final: false },
  ): Promise<BuildBatchOutcome> {
    const batch = await this.deps.store.plans.getBatch(data.batchId);
    if (batch === null || batch.runId !== data.runId) return { status: 'skipped', reason: 'unknown-batch' };
    if (batch.status !== 'pending') {
      await this.deps.finaliser.complete(batch.runId);
      return { status: 'skipped', reason: 'already-settled' };
    }
    const run = await this.deps.store.runs.get(batch.runId);
    if (run === null || isFinished(run.status)) return { status: 'skipped', reason: 'run-finished' };
    const stopTimer = stageTimer(this.deps.metrics, 'build');
    try {
      const tally = await this.build(run, batch);
      const settled = await this.deps.store.plans.settleBatch(batch.id, {
        status: 'done',
        progress: tally.progress,
        learnersRemoved: tally.removed,
        assertionsRevoked: tally.revoked,
        problems: tally.problems,
      });
      const outcome: BuildBatchOutcome = {
        status: 'built',
        built: tally.progress.learnersBuilt,
        unchanged: tally.progress.learnersUnchanged,
        invalid: tally.invalid,
        failed: tally.progress.learnersFailed,
        removed: tally.removed,
        deliveriesQueued: tally.progress.deliveriesQueued,
      };
      stopTimer();
      // Counted by the worker that settled it, like the run's own counters: a racing duplicate is not.
      if (settled) {
        this.recordBuilt(outcome);
        this.logBuilt(run.id, batch.id, outcome, tally.problems);
      }
      await this.deps.finaliser.complete(run.id);
      return outcome;
    } catch (error) {
      if (!attempt.final && isRetryable(error)) {
        stopTimer();
        this.logger.warn(
          { runId: run.id, batchId: batch.id, err: loggableError(error) },
          'build batch attempt failed; it will be retried',
        );
        throw error;
      }
      const reason = `build failed: ${failureReason(error)}`;
      stopTimer();
      await this.failBatch(batch, reason);
      await this.deps.finaliser.complete(run.id);
      return { status: 'failed', reason };
    }
  }

  /**
   * The batch's job failed for good without its handler settling the batch: it stalled more
   * often than allowed (its worker died or hung every time), or its last attempt threw before
   * the handler could record anything. The batch fails, with what failed the job, so its run can
   * finish instead of holding its source forever.
   */
  async failForGood(data: JobOf<JobName.BuildBatch>, error: unknown): Promise<void> {
    const batch = await this.deps.store.plans.getBatch(data.batchId);
    if (batch === null || batch.runId !== data.runId) return;
    if (batch.status === 'pending') await this.failBatch(batch, `build failed: ${jobFailureReason(error)}`);
    await this.deps.finaliser.complete(batch.runId);
  }

  /**
   * The source that last published the learner (asked only for learners the SIS did not have):
   * no run, or one no longer stored, means the default source's, as for republish selections.
   */
  private async lastPublishedBy(learnerRef: string): Promise<string | undefined> {
    const [published] = await this.deps.store.versions.publishedLearners({ learnerRefs: [learnerRef] });
    return published === undefined ? undefined : (published.source ?? this.deps.defaultSource);
  }

  /** Settles the batch as failed, every learner of it counted failed, with one problem. */
  private async failBatch(batch: RunBatchEntity, reason: string): Promise<void> {
    const settled = await this.deps.store.plans.settleBatch(batch.id, {
      status: 'failed',
      error: reason,
      progress: { learnersFailed: batch.learnerCount },
      problems: [{ recordSet: 'build', key: `batch ${batch.seq}`, reason }],
    });
    if (!settled) return;
    this.deps.metrics?.recordLearnerBuilt('failed', batch.learnerCount);
    this.logger.warn(
      { runId: batch.runId, batchId: batch.id, learners: batch.learnerCount, detail: reason },
      'build batch failed',
    );
  }

  private recordBuilt(outcome: Extract<BuildBatchOutcome, { status: 'built' }>): void {
    const metrics = this.deps.metrics;
    if (metrics === undefined) return;
    const counts = {
      changed: outcome.built,
      unchanged: outcome.unchanged,
      invalid: outcome.invalid,
      failed: outcome.failed - outcome.invalid,
    } as const;
    for (const [name, count] of Object.entries(counts) as [keyof typeof counts, number][]) {
      if (count > 0) metrics.recordLearnerBuilt(name, count);
    }
    // One CLR is signed per learner built (a new stored version).
    if (outcome.built > 0) metrics.recordClrsSigned(outcome.built);
  }

  /** Ids and counts only: problem keys may be SIS row keys (a student id) and stay in the store. */
  private logBuilt(
    runId: string,
    batchId: string,
    outcome: Extract<BuildBatchOutcome, { status: 'built' }>,
    problems: readonly RunProblemInput[],
  ): void {
    const { status: _status, ...counts } = outcome;
    if (outcome.failed === 0 && problems.length === 0) {
      this.logger.log({ runId, batchId, ...counts }, 'build batch built');
      return;
    }
    const byRecordSet: Record<string, number> = {};
    for (const problem of problems)
      byRecordSet[problem.recordSet] = (byRecordSet[problem.recordSet] ?? 0) + 1;
    this.logger.warn(
      { runId, batchId, ...counts, problems: problems.length, problemsByRecordSet: byRecordSet },
      'build batch built with problems',
    );
  }

  /**
   * The learner's composition, or undefined when composing failed: it reads nothing (the batch's
   * records are in hand), so the failure is this learner's own. It is counted failed with a
   * problem (the error's class and, for our own errors, message) and the batch goes on.
   */
  private async composeOne(
    learner: PendingComposition,
    runId: string,
    batchId: string,
    tally: BatchTally,
  ): Promise<LearnerComposition | undefined> {
    try {
      return await learner.compose();
    } catch (error) {
      const learnerRef = learnerRefOf(this.deps.ids, learner.learnerId);
      tally.progress.learnersFailed += 1;
      tally.problems.push({
        recordSet: 'clr',
        key: learnerRef,
        reason: `the CLR could not be composed: ${failureReason(error)}`,
        effect: 'skipped',
        learnerRef,
      });
      this.logger.warn(
        { runId, batchId, learnerRef, err: loggableError(error) },
        'learner CLR could not be composed: not signed',
      );
      return undefined;
    }
  }

  private async build(run: SyncRunEntity, batch: RunBatchEntity): Promise<BatchTally> {
    const { store, ids } = this.deps;
    const learnerIds = store.plans.learnerIdsOf(batch);
    const plan = await store.plans.get(run.id);
    const request = plan === null ? {} : parseRunRequest(plan);
    const issuedOn = `${run.createdAt.toISOString().slice(0, 19)}Z`;
    const learnerRefs = learnerIds.map((id) => learnerRefOf(ids, id));
    const [{ learners, records }, latest, targets, withheld] = await Promise.all([
      this.deps.composer.compose(learnerIds, { issuedOn, sourceName: run.source }),
      store.versions.latestSummaries(learnerRefs),
      store.targets.list({ enabled: true }),
      store.ledger.withheldFor(learnerRefs),
    ]);
    const context: PublishContext = {
      runId: run.id,
      issuedOn,
      force: request.force === true,
      targetIds: targets.map((target) => target.id),
      removedClrIds: await store.revocations.revokedAmong(
        ids.institutionProfileId(),
        [...latest.values()].map((version) => version.clrId),
        { reason: LEARNER_REMOVED_REASON },
      ),
    };
    const tally: BatchTally = {
      progress: {
        learnersBuilt: 0,
        learnersUnchanged: 0,
        learnersFailed: 0,
        deliveriesQueued: 0,
        assertionsSigned: 0,
      },
      removed: 0,
      revoked: 0,
      invalid: 0,
      problems: [],
    };
    await forEachConcurrently(learners, this.concurrency, async (learner) => {
      // Mapped and validated now: only the learners in hand have their CLR in memory.
      const composition = await this.composeOne(learner, run.id, batch.id, tally);
      if (composition === undefined) return;
      const learnerRef = learnerRefOf(ids, composition.learnerId);
      // A learner row's key is the SIS learner id: the run shows the learner by ref instead.
      for (const problem of composition.problems) {
        const key = problem.recordSet === 'clr_learners' ? learnerRef : problem.key;
        tally.problems.push({ ...problem, key, learnerRef });
      }
      const previous = latest.get(learnerRef);
      if (composition.status === 'unknown-learner') {
        const publishedBy = previous === undefined ? undefined : await this.lastPublishedBy(learnerRef);
        if (publishedBy !== undefined && publishedBy !== run.source) {
          // Another source published this learner since (or a republish named the wrong source):
          // this SIS not having them says nothing about theirs.
          tally.progress.learnersUnchanged += 1;
          tally.problems.push({
            recordSet: 'clr_learners',
            key: learnerRef,
            reason: `the learner was last published from source "${publishedBy}", whose SIS this run does not read: nothing revoked`,
            effect: 'skipped',
            learnerRef,
          });
          return;
        }
        const outcome = await this.deps.publisher.remove(learnerRef, previous);
        if (outcome.kind === 'removed') {
          tally.removed += 1;
          tally.revoked += outcome.revoked;
          tally.problems.push({
            recordSet: 'clr_learners',
            key: learnerRef,
            reason: `the learner is no longer in the SIS: ${outcome.revoked} assertion(s)${outcome.clrRevoked ? ' and the CLR' : ''} revoked`,
            effect: 'skipped',
            learnerRef,
          });
        } else if (previous === undefined) {
          tally.progress.learnersFailed += 1;
          tally.problems.push({
            recordSet: 'clr_learners',
            key: learnerRef,
            reason: 'the SIS has no usable learner row for this id: nothing to publish',
            effect: 'skipped',
            learnerRef,
          });
        } else {
          tally.progress.learnersUnchanged += 1;
        }
        return;
      }
      if (composition.status === 'invalid') {
        tally.progress.learnersFailed += 1;
        tally.invalid += 1;
        // The findings' texts stay in the run's problems: a log line gets the learner ref and counts.
        this.logger.warn(
          {
            runId: run.id,
            batchId: batch.id,
            learnerRef,
            reasons: composition.reasons.length,
            findings: composition.findings.length,
            stages: [...new Set(composition.findings.map((finding) => finding.stage))],
          },
          'learner CLR invalid: not signed',
        );
        for (const reason of composition.reasons) {
          tally.problems.push({ recordSet: 'clr', key: learnerRef, reason, effect: 'skipped', learnerRef });
        }
        for (const finding of composition.findings) {
          tally.problems.push({
            recordSet: 'clr',
            key: learnerRef,
            reason: `invalid CLR (${finding.stage}) at ${finding.path}: ${finding.reason}`,
            effect: 'skipped',
            learnerRef,
          });
        }
        return;
      }
      const learnerRecords = records.get(composition.learnerId);
      if (learnerRecords === undefined)
        throw new Error('the composer read no records for a composed learner');
      const outcome = await this.deps.publisher.publish(
        learnerRef,
        composition.learnerId,
        // What an operator revoked stays out, though its SIS row is still there.
        withoutWithheld(composition.clr, withheld.get(learnerRef)),
        learnerRecords,
        previous,
        context,
      );
      switch (outcome.kind) {
        case 'built':
          tally.progress.learnersBuilt += 1;
          tally.progress.assertionsSigned += outcome.assertionsSigned;
          tally.revoked += outcome.revoked;
          if (outcome.deliveryIds.length > 0) {
            await this.deps.producer.enqueueMany(
              outcome.deliveryIds.map(
                (deliveryId) => ({ name: JobName.DeliverClr, data: { deliveryId } }) as const,
              ),
            );
          }
          tally.progress.deliveriesQueued += outcome.deliveries;
          return;
        case 'unchanged':
          tally.progress.learnersUnchanged += 1;
          return;
        case 'removed':
        case 'not-found':
          return;
      }
    });
    return tally;
  }
}
