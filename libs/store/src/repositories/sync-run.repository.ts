import { In } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import { SyncProblemEntity } from '../entities/sync-problem.entity';
import {
  FINISHED_RUN_STATUSES,
  type FinishedRunStatus,
  RUN_MODES,
  RUN_TRIGGERS,
  type RunMode,
  type RunStatus,
  type RunTrigger,
  SyncRunEntity,
} from '../entities/sync-run.entity';
import { StoreError } from '../store.errors';
import {
  chunks,
  clip,
  column,
  limitOf,
  newId,
  oneOrMany,
  optionalText,
  requireInt,
  requireOneOf,
  requireText,
} from './repository-helpers';
import { commitWatermark } from './watermark.repository';

export interface CreateRunInput {
  /** The SIS source's name. */
  source: string;
  mode: RunMode;
  trigger: RunTrigger;
  /** Operator or CLI user, when a person asked. */
  requestedBy?: string | null;
}

/** The counters of a run, each incremented atomically by addProgress. */
export const RUN_COUNTERS = [
  'learnersSeen',
  'learnersBuilt',
  'learnersUnchanged',
  'learnersFailed',
  'deliveriesQueued',
  'assertionsSigned',
] as const;
export type RunCounter = (typeof RUN_COUNTERS)[number];
export type RunProgress = Partial<Record<RunCounter, number>>;

const COUNTER_COLUMNS: Record<RunCounter | 'problemCount', string> = {
  learnersSeen: 'learners_seen',
  learnersBuilt: 'learners_built',
  learnersUnchanged: 'learners_unchanged',
  learnersFailed: 'learners_failed',
  deliveriesQueued: 'deliveries_queued',
  assertionsSigned: 'assertions_signed',
  problemCount: 'problem_count',
};

/** A problem to record; `RecordProblem` from the SIS reader fits, plus the learner's ref. */
export interface RunProblemInput {
  recordSet: string;
  /** The SIS row's key. */
  key: string;
  reason: string;
  effect?: string | null;
  learnerRef?: string | null;
}

export interface RunListQuery {
  source?: string;
  status?: RunStatus | readonly RunStatus[];
  mode?: RunMode | readonly RunMode[];
  /** Default 50, at most 1000. Newest first. */
  limit?: number;
  offset?: number;
}

const ACTIVE: RunStatus[] = ['queued', 'running'];
/** Problems per INSERT: 7 columns x 200 rows stays under SQL Server's 2100 parameters. */
const PROBLEM_BATCH = 200;

/** Sync runs and their problems. */
export class SyncRunRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Records a new run as `queued`, counters at zero. */
  async create(input: CreateRunInput): Promise<SyncRunEntity> {
    const now = this.ctx.now();
    const run = Object.assign(new SyncRunEntity(), {
      id: newId(),
      source: requireText(input.source, 'source', 100),
      mode: requireOneOf(input.mode, RUN_MODES, 'mode'),
      trigger: requireOneOf(input.trigger, RUN_TRIGGERS, 'trigger'),
      requestedBy: optionalText(input.requestedBy, 'requestedBy', 200),
      status: 'queued',
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      learnersSeen: 0,
      learnersBuilt: 0,
      learnersUnchanged: 0,
      learnersFailed: 0,
      deliveriesQueued: 0,
      assertionsSigned: 0,
      problemCount: 0,
      pendingWatermarks: null,
      error: null,
    } satisfies SyncRunEntity);
    await this.ctx.run((m) => m.insert(SyncRunEntity, run));
    return run;
  }

  async get(id: string): Promise<SyncRunEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SyncRunEntity, { id }));
  }

  async list(query: RunListQuery = {}): Promise<SyncRunEntity[]> {
    const statuses = oneOrMany(query.status);
    const modes = oneOrMany(query.mode);
    return this.ctx.run((m) =>
      m.find(SyncRunEntity, {
        where: {
          ...(query.source !== undefined ? { source: query.source } : {}),
          ...(statuses !== undefined ? { status: In(statuses) } : {}),
          ...(modes !== undefined ? { mode: In(modes) } : {}),
        },
        order: { createdAt: 'DESC', id: 'ASC' },
        take: limitOf(query.limit, 50),
        skip: query.offset === undefined ? undefined : requireInt(query.offset, 'offset', 0),
      }),
    );
  }

  /** The oldest queued or running run of a source (a scheduler skips a tick while one exists). */
  async findActive(source: string): Promise<SyncRunEntity | null> {
    return this.ctx.run((m) =>
      m.findOne(SyncRunEntity, {
        where: { source, status: In(ACTIVE) },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
    );
  }

  /** `queued` -> `running`. False when the run is not queued (already started, finished, unknown). */
  async start(id: string): Promise<boolean> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(
        SyncRunEntity,
        { id, status: 'queued' },
        { status: 'running', startedAt: now, updatedAt: now },
      ),
    );
    return result.affected === 1;
  }

  /**
   * Adds to the counters in one `UPDATE ... SET n = n + d`, so concurrent build jobs never lose
   * an increment. False when the run does not exist.
   */
  async addProgress(id: string, progress: RunProgress): Promise<boolean> {
    const entries = Object.entries(progress).filter(([, delta]) => delta !== undefined && delta !== 0);
    for (const [counter, delta] of entries) {
      requireOneOf(counter, RUN_COUNTERS, 'counter');
      requireInt(delta, counter, 0, 1_000_000_000);
    }
    const now = this.ctx.now();
    const result = await this.ctx.run((m) => {
      const set: Record<string, unknown> = { updatedAt: now };
      for (const [counter, delta] of entries) {
        const name = column(m, COUNTER_COLUMNS[counter as RunCounter]);
        // delta is a validated integer, so inlining it is safe and keeps the SQL portable.
        set[counter] = () => `${name} + ${delta}`;
      }
      return m.update(SyncRunEntity, { id }, set);
    });
    return result.affected === 1;
  }

  /**
   * Replaces the watermarks (record set -> value) the run commits if it succeeds. False when
   * the run is finished or unknown.
   */
  async setPendingWatermarks(id: string, watermarks: Readonly<Record<string, string>>): Promise<boolean> {
    for (const [recordSet, value] of Object.entries(watermarks)) {
      requireText(recordSet, 'watermark record set', 64);
      requireText(value, `watermark of ${recordSet}`, 255);
    }
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(
        SyncRunEntity,
        { id, status: In(ACTIVE) },
        { pendingWatermarks: JSON.stringify(watermarks), updatedAt: now },
      ),
    );
    return result.affected === 1;
  }

  /**
   * Ends a queued or running run. A run that succeeds commits its pending watermarks in the
   * same transaction, so a watermark moves exactly when its run is recorded as succeeded.
   * False when the run was already finished (or unknown): nothing changes then.
   */
  async finish(
    id: string,
    status: FinishedRunStatus,
    options: { error?: string | null } = {},
  ): Promise<boolean> {
    requireOneOf(status, FINISHED_RUN_STATUSES, 'status');
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const result = await m.update(
        SyncRunEntity,
        { id, status: In(ACTIVE) },
        { status, finishedAt: now, updatedAt: now, error: clip(options.error, 1000) },
      );
      if (result.affected !== 1) return false;
      if (status === 'succeeded') {
        const run = await m.findOneByOrFail(SyncRunEntity, { id });
        for (const [recordSet, value] of Object.entries(parseWatermarks(run))) {
          await commitWatermark(m, { source: run.source, recordSet, value, runId: id }, now);
        }
      }
      return true;
    });
  }

  /** Appends problems in batches and counts them on the run, atomically. Returns how many. */
  async appendProblems(runId: string, problems: readonly RunProblemInput[]): Promise<number> {
    if (problems.length === 0) return 0;
    const now = this.ctx.now();
    const rows = problems.map((problem, index) => {
      const where = `problems[${index}]`;
      return {
        runId,
        recordSet: requireText(problem.recordSet, `${where}.recordSet`, 64),
        // A key as long as the SIS made it (a garbage id) is clipped: the problem is still told.
        recordKey: clip(requireText(problem.key, `${where}.key`, Number.MAX_SAFE_INTEGER), 255)!,
        reason: clip(requireText(problem.reason, `${where}.reason`, Number.MAX_SAFE_INTEGER), 1000)!,
        effect: optionalText(problem.effect, `${where}.effect`, 16),
        learnerRef: optionalText(problem.learnerRef, `${where}.learnerRef`, 128),
        createdAt: now,
      };
    });
    return this.ctx.transaction(async (m) => {
      const exists = await m.existsBy(SyncRunEntity, { id: runId });
      if (!exists) throw new StoreError('NOT_FOUND', `run ${runId} does not exist`);
      for (const batch of chunks(rows, PROBLEM_BATCH)) await m.insert(SyncProblemEntity, batch);
      const name = column(m, COUNTER_COLUMNS.problemCount);
      await m.update(
        SyncRunEntity,
        { id: runId },
        { problemCount: () => `${name} + ${rows.length}`, updatedAt: now },
      );
      return rows.length;
    });
  }

  /** A run's problems in insertion order; page with `afterId` (the last id seen). */
  async listProblems(
    runId: string,
    options: { afterId?: number; limit?: number } = {},
  ): Promise<SyncProblemEntity[]> {
    return this.ctx.run((m) => {
      const query = m
        .createQueryBuilder(SyncProblemEntity, 'p')
        .where('p.runId = :runId', { runId })
        .orderBy('p.id', 'ASC')
        .take(limitOf(options.limit, 100));
      if (options.afterId !== undefined) query.andWhere('p.id > :afterId', { afterId: options.afterId });
      return query.getMany();
    });
  }
}

/** The watermarks a run will commit (record set -> value). */
export function parseWatermarks(
  run: Pick<SyncRunEntity, 'id' | 'pendingWatermarks'>,
): Record<string, string> {
  if (run.pendingWatermarks === null) return {};
  const parsed: unknown = JSON.parse(run.pendingWatermarks);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StoreError('INVALID_ARGUMENT', `run ${run.id}: pending watermarks are not a JSON object`);
  }
  return parsed as Record<string, string>;
}
