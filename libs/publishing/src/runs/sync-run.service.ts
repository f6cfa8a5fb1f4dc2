import { type AppConfig } from '@app/config';
import { JobName, type JobProducer, RedisDeadlineError } from '@app/jobs';
import {
  type PublisherStore,
  RUN_MODES,
  RUN_TRIGGERS,
  type RunListQuery,
  type RunMode,
  type RunTrigger,
  type SyncRunEntity,
  parseWatermarks,
} from '@app/store';
import { isFinished } from './run-completion';
import { type RunFinaliser } from './run-finaliser';
import { type RunSummary } from './run-summary';
import { RunTriggerLockTimeout, type RunTriggerLock } from './run-trigger.lock';
import { SyncRunConflictError, SyncRunError } from './sync-run.errors';

/** How long a trigger waits for Redis to take its extract job before it answers "unavailable". */
const ENQUEUE_TIMEOUT_MS = 15_000;

/** Learner ids a republish may name at once. */
export const MAX_REPUBLISH_LEARNERS = 100_000;

export interface TriggerRunInput {
  /** The SIS source's name; default the first configured source. */
  source?: string;
  mode: RunMode;
  trigger: RunTrigger;
  /** Operator or CLI user, when a person asked. */
  requestedBy?: string | null;
  /** The SIS learner ids to rebuild; required for `republish`, refused otherwise. */
  learnerIds?: readonly string[];
  /** Sign and store new versions even when nothing changed. */
  force?: boolean;
}

export interface WaitForRunOptions {
  /** Give up after this long (`TIMEOUT`); default 1 hour. */
  timeoutMs?: number;
  /** How often the store is asked; default 500 ms. */
  pollMs?: number;
  /** Called with each summary read while the run is active. */
  onProgress?: (summary: RunSummary) => void;
  /** Problems listed in the summaries; default 100. */
  problemLimit?: number;
}

/**
 * Starts, follows and ends sync runs. A trigger writes the run row (with its plan and the
 * source's slot) first, then queues its ExtractRun job: the job carries the run id only.
 */
export class SyncRunService {
  private readonly sources: string[];

  constructor(
    private readonly store: PublisherStore,
    config: Pick<AppConfig, 'sis'>,
    private readonly producer: JobProducer,
    private readonly lock: RunTriggerLock,
    private readonly finaliser: RunFinaliser,
  ) {
    this.sources = config.sis.sources.map((source) => source.name);
  }

  /**
   * Starts a run. Atomic across processes: the source's trigger lock (Redis) is held around the
   * check and the insert, and the store's one-slot-per-source row refuses a second active run
   * whatever happens to the lock.
   * @throws SyncRunConflictError naming the active run when the source has one.
   * @throws SyncRunError `UNKNOWN_SOURCE`, `INVALID_REQUEST`, `QUEUE_UNAVAILABLE`.
   */
  async trigger(input: TriggerRunInput): Promise<SyncRunEntity> {
    const source = this.checkSource(input.source);
    this.checkRequest(input);
    const request = {
      ...(input.force === true ? { force: true } : {}),
      ...(input.mode === 'republish' ? { learnerIds: [...new Set(input.learnerIds)] } : {}),
    };
    let run: SyncRunEntity;
    try {
      run = await this.lock.withLock(source, () =>
        this.store.transaction(async (tx) => {
          await this.refuseIfActive(tx, source);
          const created = await tx.runs.create({
            source,
            mode: input.mode,
            trigger: input.trigger,
            requestedBy: input.requestedBy ?? null,
          });
          await tx.plans.create(created.id, Object.keys(request).length > 0 ? request : null);
          const slot = await tx.slots.holder(source);
          const taken =
            slot === null
              ? await tx.slots.acquire(source, created.id)
              : await tx.slots.takeOver(source, slot.runId, created.id);
          if (!taken) {
            const holder = await tx.slots.holder(source);
            throw new SyncRunConflictError(source, holder?.runId ?? 'unknown');
          }
          return created;
        }),
      );
    } catch (error) {
      if (error instanceof RunTriggerLockTimeout) {
        const active = await this.store.runs.findActive(source);
        if (active !== null) throw new SyncRunConflictError(source, active.id);
      }
      if (error instanceof RedisDeadlineError) {
        throw new SyncRunError('QUEUE_UNAVAILABLE', `no run was started: ${error.message}`, { cause: error });
      }
      throw error;
    }
    try {
      await this.producer.enqueue(
        { name: JobName.ExtractRun, data: { runId: run.id } },
        { timeoutMs: ENQUEUE_TIMEOUT_MS },
      );
    } catch (error) {
      await this.finaliser.finish(run.id, 'failed', 'the extract job could not be queued');
      throw new SyncRunError('QUEUE_UNAVAILABLE', `run ${run.id} could not be queued: ${describe(error)}`, {
        cause: error,
      });
    }
    return run;
  }

  async get(runId: string): Promise<SyncRunEntity | null> {
    return this.store.runs.get(runId);
  }

  async list(query: RunListQuery = {}): Promise<SyncRunEntity[]> {
    return this.store.runs.list(query);
  }

  /**
   * The run's counters, batches, first problems and watermarks.
   * @throws SyncRunError `NOT_FOUND`.
   */
  async summary(runId: string, options: { problemLimit?: number } = {}): Promise<RunSummary> {
    const run = await this.store.runs.get(runId);
    if (run === null) throw new SyncRunError('NOT_FOUND', `no run ${runId}`);
    const [plan, problems] = await Promise.all([
      this.store.plans.get(runId),
      options.problemLimit === 0
        ? Promise.resolve([])
        : this.store.runs.listProblems(runId, { limit: options.problemLimit ?? 100 }),
    ]);
    return {
      id: run.id,
      source: run.source,
      mode: run.mode,
      trigger: run.trigger,
      requestedBy: run.requestedBy,
      status: run.status,
      error: run.error,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      extract: plan?.extractStatus ?? null,
      batches: {
        total: plan?.batchesTotal ?? 0,
        done: plan?.batchesDone ?? 0,
        failed: plan?.batchesFailed ?? 0,
      },
      counts: {
        learnersSeen: run.learnersSeen,
        learnersBuilt: run.learnersBuilt,
        learnersUnchanged: run.learnersUnchanged,
        learnersFailed: run.learnersFailed,
        learnersRemoved: plan?.learnersRemoved ?? 0,
        deliveriesQueued: run.deliveriesQueued,
        assertionsSigned: run.assertionsSigned,
        assertionsRevoked: plan?.assertionsRevoked ?? 0,
        problemCount: run.problemCount,
      },
      problems: problems.map((problem) => ({
        recordSet: problem.recordSet,
        key: problem.recordKey,
        reason: problem.reason,
        effect: problem.effect,
        learnerRef: problem.learnerRef,
      })),
      watermarks: parseWatermarks(run),
    };
  }

  /**
   * Polls the store until the run has finished; resolves with its final summary (whatever its
   * status). For the CLI, the demo and tests: needs workers consuming the queues.
   * @throws SyncRunError `TIMEOUT` (the run goes on), `NOT_FOUND`.
   */
  async waitForRun(runId: string, options: WaitForRunOptions = {}): Promise<RunSummary> {
    const timeoutMs = options.timeoutMs ?? 3_600_000;
    const pollMs = options.pollMs ?? 500;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const summary = await this.summary(runId, { problemLimit: options.problemLimit });
      if (isFinished(summary.status)) return summary;
      options.onProgress?.(summary);
      if (Date.now() >= deadline) {
        throw new SyncRunError(
          'TIMEOUT',
          `run ${runId} had not finished after ${timeoutMs} ms (it is ${summary.status})`,
        );
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))),
      );
    }
  }

  /**
   * Ends an active run as `cancelled` (its pending batches are skipped, no watermark moves) and
   * frees the source. False when it had ended already. Audited.
   */
  async cancel(
    runId: string,
    options: { actor?: string; reason?: string; details?: Record<string, unknown> } = {},
  ): Promise<boolean> {
    const cancelled = await this.finaliser.finish(
      runId,
      'cancelled',
      options.reason ?? 'cancelled by an operator',
    );
    if (cancelled) {
      await this.store.audit.append({
        actor: options.actor ?? 'system',
        action: 'run.cancel',
        subject: runId,
        ...(options.details !== undefined ? { details: options.details } : {}),
      });
    }
    return cancelled;
  }

  /**
   * Queues an active run's work again (after Redis lost its jobs, or a job failed for good that
   * the run could not be told of): the extraction unless it finished, and every pending batch.
   * A job still queued is left alone; one kept as failed or completed is moved back to wait.
   * Returns what was queued again (nothing for a finished run).
   */
  async resume(runId: string): Promise<{ extractQueued: boolean; batchesQueued: number }> {
    const run = await this.store.runs.get(runId);
    if (run === null) throw new SyncRunError('NOT_FOUND', `no run ${runId}`);
    if (isFinished(run.status)) return { extractQueued: false, batchesQueued: 0 };
    const plan = await this.store.plans.get(runId);
    const extractQueued =
      plan?.extractStatus !== 'done' &&
      (await this.producer.requeueMany([{ name: JobName.ExtractRun, data: { runId } }])) > 0;
    let batchesQueued = 0;
    for (let afterSeq: number | undefined; ;) {
      const batches = await this.store.plans.listBatches(runId, { status: 'pending', afterSeq, limit: 1000 });
      if (batches.length === 0) break;
      batchesQueued += await this.producer.requeueMany(
        batches.map((batch) => ({ name: JobName.BuildBatch, data: { runId, batchId: batch.id } }) as const),
      );
      afterSeq = batches[batches.length - 1].seq;
    }
    if (plan?.extractStatus === 'done') await this.finaliser.complete(runId);
    return { extractQueued, batchesQueued };
  }

  private checkSource(source: string | undefined): string {
    const name = source ?? this.sources[0];
    if (!this.sources.includes(name)) {
      throw new SyncRunError(
        'UNKNOWN_SOURCE',
        `no SIS source named "${name}" (configured: ${this.sources.join(', ')})`,
      );
    }
    return name;
  }

  private checkRequest(input: TriggerRunInput): void {
    if (!(RUN_MODES as readonly string[]).includes(input.mode)) {
      throw new SyncRunError('INVALID_REQUEST', `mode must be one of ${RUN_MODES.join(', ')}`);
    }
    if (!(RUN_TRIGGERS as readonly string[]).includes(input.trigger)) {
      throw new SyncRunError('INVALID_REQUEST', `trigger must be one of ${RUN_TRIGGERS.join(', ')}`);
    }
    if (input.mode !== 'republish') {
      if (input.learnerIds !== undefined) {
        throw new SyncRunError('INVALID_REQUEST', 'learner ids are only taken by a republish run');
      }
      return;
    }
    const ids = input.learnerIds;
    if (ids === undefined || ids.length === 0) {
      throw new SyncRunError('INVALID_REQUEST', 'a republish run needs at least one learner id');
    }
    if (ids.length > MAX_REPUBLISH_LEARNERS) {
      throw new SyncRunError(
        'INVALID_REQUEST',
        `a republish run takes at most ${MAX_REPUBLISH_LEARNERS} learner ids`,
      );
    }
    ids.forEach((id, index) => {
      if (typeof id !== 'string' || id.trim() === '' || id.length > 255) {
        throw new SyncRunError(
          'INVALID_REQUEST',
          `learnerIds[${index}] must be a non-empty string of at most 255 characters`,
        );
      }
    });
  }

  private async refuseIfActive(tx: Pick<PublisherStore, 'runs' | 'slots'>, source: string): Promise<void> {
    const slot = await tx.slots.holder(source);
    if (slot !== null) {
      const holder = await tx.runs.get(slot.runId);
      if (holder !== null && !isFinished(holder.status)) throw new SyncRunConflictError(source, holder.id);
    }
    const active = await tx.runs.findActive(source);
    if (active !== null) throw new SyncRunConflictError(source, active.id);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error);
}
