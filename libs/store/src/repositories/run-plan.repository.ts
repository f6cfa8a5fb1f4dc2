import { type StoreContext } from '../database/store-context';
import { type BatchStatus, RunBatchEntity } from '../entities/run-batch.entity';
import { SyncRunPlanEntity } from '../entities/sync-run-plan.entity';
import { StoreError } from '../store.errors';
import { clip, column, newId, requireInt, requireText } from './repository-helpers';
import { type RunProblemInput, type RunProgress, SyncRunRepository } from './sync-run.repository';

/** What a run was asked to do beyond its mode (stored as JSON on the plan). */
export interface RunRequest {
  /** Rebuild, sign and store even when the content hash is unchanged. */
  force?: boolean;
  /** The SIS learner ids of a republish. */
  learnerIds?: string[];
}

/** How a call to {@link RunPlanRepository.beginExtract} found the extraction. */
export type ExtractStart = 'started' | 'resumed' | 'done' | 'missing';

/** What settling a batch adds to its run, exactly once. */
export interface BatchSettlement {
  status: Exclude<BatchStatus, 'pending'>;
  /** Why a batch failed (no personal data). */
  error?: string | null;
  progress?: RunProgress;
  learnersRemoved?: number;
  assertionsRevoked?: number;
  problems?: readonly RunProblemInput[];
}

/** Learner ids per batch at most (a JSON text column; keeps a batch's SIS reads few). */
export const MAX_BATCH_LEARNERS = 10_000;

/**
 * Run plans and their build batches. Every state change is a guarded UPDATE, so a replayed or
 * duplicated job settles a batch (and adds its counters and problems) at most once.
 */
export class RunPlanRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Writes the plan of a new run (extraction pending, no batches). */
  async create(runId: string, request: RunRequest | null = null): Promise<SyncRunPlanEntity> {
    const plan = Object.assign(new SyncRunPlanEntity(), {
      runId: requireText(runId, 'runId', 36),
      request: request === null ? null : JSON.stringify(request),
      extractStatus: 'pending',
      batchesTotal: 0,
      batchesDone: 0,
      batchesFailed: 0,
      learnersRemoved: 0,
      assertionsRevoked: 0,
      updatedAt: this.ctx.now(),
    } satisfies SyncRunPlanEntity);
    await this.ctx.run((m) => m.insert(SyncRunPlanEntity, plan));
    return plan;
  }

  async get(runId: string): Promise<SyncRunPlanEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SyncRunPlanEntity, { runId }));
  }

  /**
   * Marks the extraction running: `started` the first time, `resumed` when a retried job finds
   * it running already, `done` when it finished (nothing to do), `missing` without a plan.
   */
  async beginExtract(runId: string): Promise<ExtractStart> {
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const result = await m.update(
        SyncRunPlanEntity,
        { runId, extractStatus: 'pending' },
        { extractStatus: 'running', updatedAt: now },
      );
      if (result.affected === 1) return 'started';
      const plan = await m.findOne(SyncRunPlanEntity, { select: { extractStatus: true }, where: { runId } });
      if (plan === null) return 'missing';
      return plan.extractStatus === 'done' ? 'done' : 'resumed';
    });
  }

  /** `running` -> `done`: every batch is written. False when it was not running. */
  async finishExtract(runId: string): Promise<boolean> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(
        SyncRunPlanEntity,
        { runId, extractStatus: 'running' },
        { extractStatus: 'done', updatedAt: now },
      ),
    );
    return result.affected === 1;
  }

  /**
   * Appends a batch of learner ids to the run (next `seq`), counts it on the plan and the ids as
   * seen on the run, in one transaction. Throws `INVALID_ARGUMENT` for an empty or oversized
   * batch and `NOT_FOUND` for a run without a plan.
   */
  async addBatch(runId: string, learnerIds: readonly string[]): Promise<RunBatchEntity> {
    requireInt(learnerIds.length, 'batch size', 1, MAX_BATCH_LEARNERS);
    learnerIds.forEach((id, index) => requireText(id, `learnerIds[${index}]`, 255));
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const exists = await m.existsBy(SyncRunPlanEntity, { runId });
      if (!exists) throw new StoreError('NOT_FOUND', `run ${runId} has no plan`);
      const last = await m
        .createQueryBuilder(RunBatchEntity, 'b')
        .select('MAX(b.seq)', 'max')
        .where('b.runId = :runId', { runId })
        .getRawOne<{ max: number | string | null }>();
      const batch = Object.assign(new RunBatchEntity(), {
        id: newId(),
        runId,
        seq: Number(last?.max ?? 0) + 1,
        learnerIds: JSON.stringify(learnerIds),
        learnerCount: learnerIds.length,
        status: 'pending',
        error: null,
        createdAt: now,
        finishedAt: null,
      } satisfies Omit<RunBatchEntity, 'run'>);
      await m.insert(RunBatchEntity, batch);
      const total = column(m, 'batches_total');
      await m.update(SyncRunPlanEntity, { runId }, { batchesTotal: () => `${total} + 1`, updatedAt: now });
      await new SyncRunRepository(this.ctx.within(m)).addProgress(runId, { learnersSeen: learnerIds.length });
      return batch;
    });
  }

  async getBatch(batchId: string): Promise<RunBatchEntity | null> {
    return this.ctx.run((m) => m.findOneBy(RunBatchEntity, { id: batchId }));
  }

  /** The learner ids of a batch, as written. */
  learnerIdsOf(batch: Pick<RunBatchEntity, 'id' | 'learnerIds'>): string[] {
    const parsed: unknown = JSON.parse(batch.learnerIds);
    if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string')) {
      throw new StoreError(
        'INVALID_ARGUMENT',
        `batch ${batch.id}: learner ids are not a JSON array of strings`,
      );
    }
    return parsed;
  }

  /** A run's batches in order, with or without their learner ids (`seq` pages). */
  async listBatches(
    runId: string,
    options: { status?: BatchStatus; afterSeq?: number; limit?: number; withLearners?: boolean } = {},
  ): Promise<RunBatchEntity[]> {
    return this.ctx.run((m) => {
      const query = m
        .createQueryBuilder(RunBatchEntity, 'b')
        .where('b.runId = :runId', { runId })
        .orderBy('b.seq', 'ASC')
        .take(requireInt(options.limit ?? 1000, 'limit', 1, 100_000));
      if (options.withLearners !== true) {
        query.select([
          'b.id',
          'b.runId',
          'b.seq',
          'b.learnerCount',
          'b.status',
          'b.error',
          'b.createdAt',
          'b.finishedAt',
        ]);
      }
      if (options.status !== undefined) query.andWhere('b.status = :status', { status: options.status });
      if (options.afterSeq !== undefined) query.andWhere('b.seq > :afterSeq', { afterSeq: options.afterSeq });
      return query.getMany();
    });
  }

  /**
   * Settles a pending batch as `done` or `failed` and adds what it did to the plan and the run
   * (counters, problems), in one transaction. False, changing nothing, when the batch was not
   * pending: a replayed or duplicated build job counts nothing twice.
   */
  async settleBatch(batchId: string, settlement: BatchSettlement): Promise<boolean> {
    const removed = requireInt(settlement.learnersRemoved ?? 0, 'learnersRemoved', 0);
    const revoked = requireInt(settlement.assertionsRevoked ?? 0, 'assertionsRevoked', 0);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const batch = await m.findOne(RunBatchEntity, {
        select: { id: true, runId: true },
        where: { id: batchId },
      });
      if (batch === null) return false;
      const result = await m.update(
        RunBatchEntity,
        { id: batchId, status: 'pending' },
        { status: settlement.status, error: clip(settlement.error, 1000), finishedAt: now },
      );
      if (result.affected !== 1) return false;
      const counter = column(m, settlement.status === 'done' ? 'batches_done' : 'batches_failed');
      const removedColumn = column(m, 'learners_removed');
      const revokedColumn = column(m, 'assertions_revoked');
      await m.update(
        SyncRunPlanEntity,
        { runId: batch.runId },
        {
          [settlement.status === 'done' ? 'batchesDone' : 'batchesFailed']: () => `${counter} + 1`,
          learnersRemoved: () => `${removedColumn} + ${removed}`,
          assertionsRevoked: () => `${revokedColumn} + ${revoked}`,
          updatedAt: now,
        },
      );
      const runs = new SyncRunRepository(this.ctx.within(m));
      if (settlement.progress !== undefined) await runs.addProgress(batch.runId, settlement.progress);
      if (settlement.problems !== undefined && settlement.problems.length > 0) {
        await runs.appendProblems(batch.runId, settlement.problems);
      }
      return true;
    });
  }
}

/** The request stored on a plan. */
export function parseRunRequest(plan: Pick<SyncRunPlanEntity, 'runId' | 'request'>): RunRequest {
  if (plan.request === null) return {};
  const parsed: unknown = JSON.parse(plan.request);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StoreError('INVALID_ARGUMENT', `run ${plan.runId}: the plan's request is not a JSON object`);
  }
  return parsed;
}
