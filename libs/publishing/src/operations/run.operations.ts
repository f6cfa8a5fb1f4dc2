import { type PublisherStore, RUN_STATUSES, type RunStatus, type SyncRunEntity } from '@app/store';
import { isFinished } from '../runs/run-completion';
import { type SyncRunService } from '../runs/sync-run.service';
import { type OperationActor, actorDetails } from './operation-actor';
import { OperationError, invalidField } from './operation.error';
import { type RunDetailView, type RunListItem, type RunView, runListItem, runView } from './operation-views';
import { type Page, type PageRequest, integerField, pageOf, pagingOf } from './paging';

/** A sync an operator starts: a SIS source (default the first configured) and a mode. */
export interface StartRunRequest {
  source?: string;
  mode: string;
  /** Sign and store new versions even where nothing changed. */
  force?: boolean;
}

export interface RunListRequest extends PageRequest {
  source?: string;
  status?: string;
}

export interface RunDetailRequest {
  /** Problems after this id (the previous page's `problems.next`). */
  problemsAfter?: number | string;
  /** Problems per page: 1..500, default 50. */
  problemsLimit?: number | string;
}

const START_MODES = ['full', 'incremental'] as const;

/** What {@link RunOperations.resume} queued again. */
export interface RunResumeView {
  run: RunView;
  /** Whether the extraction's job was queued again. */
  extractQueued: boolean;
  /** Pending batches whose jobs were queued again. */
  batchesQueued: number;
}

/**
 * Sync runs for operators: start one, list them, one with its progress and problems, cancel one,
 * queue an active one's work again.
 */
export class RunOperations {
  constructor(
    private readonly store: PublisherStore,
    private readonly runs: SyncRunService,
  ) {}

  /**
   * Starts a `full` or `incremental` run and records it in the audit log.
   * @throws OperationError `INVALID_INPUT` (mode, source, force); SyncRunConflictError naming the
   *   active run; SyncRunError `UNKNOWN_SOURCE`, `QUEUE_UNAVAILABLE`.
   */
  async start(request: StartRunRequest, by: OperationActor): Promise<RunView> {
    if (!(START_MODES as readonly string[]).includes(request.mode)) {
      throw invalidField('mode', `must be one of ${START_MODES.join(', ')}`);
    }
    if (
      request.source !== undefined &&
      (typeof request.source !== 'string' || request.source.trim() === '')
    ) {
      throw invalidField('source', 'must be the name of a configured SIS source');
    }
    if (request.force !== undefined && typeof request.force !== 'boolean') {
      throw invalidField('force', 'must be true or false');
    }
    const run = await this.runs.trigger({
      source: request.source,
      mode: request.mode as (typeof START_MODES)[number],
      trigger: by.via === 'cli' ? 'cli' : 'operator',
      requestedBy: by.actor,
      force: request.force === true,
    });
    await this.store.audit.append({
      actor: by.actor,
      action: 'run.start',
      subject: run.id,
      details: { source: run.source, mode: run.mode, force: request.force === true, ...actorDetails(by) },
    });
    return runView(await this.runs.summary(run.id, { problemLimit: 0 }));
  }

  /**
   * Ends a queued or running run as `cancelled` and frees its source (a run that cannot finish,
   * e.g. its jobs were lost, would hold it); its jobs still queued find it finished and do
   * nothing. Audited with the reason.
   * @throws OperationError `NOT_FOUND` (`run_not_found`), `CONFLICT` (`run_not_active`),
   *   `INVALID_INPUT` (reason).
   */
  async cancel(runId: string, reason: string | undefined, by: OperationActor): Promise<RunView> {
    if (reason !== undefined && (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500)) {
      throw invalidField('reason', 'must be a non-empty text of at most 500 characters');
    }
    const run = await this.activeRun(runId);
    const why = reason?.trim() ?? 'cancelled by an operator';
    if (!(await this.runs.cancel(run.id, { actor: by.actor, reason: why, details: actorDetails(by) }))) {
      throw notActive(run.id);
    }
    return runView(await this.runs.summary(run.id, { problemLimit: 0 }));
  }

  /**
   * Queues an active run's work again: its extraction unless done, and the jobs of its pending
   * batches that are no longer queued (lost with Redis, or failed for good unseen). Audited.
   * @throws OperationError `NOT_FOUND` (`run_not_found`), `CONFLICT` (`run_not_active`).
   */
  async resume(runId: string, by: OperationActor): Promise<RunResumeView> {
    const run = await this.activeRun(runId);
    const queued = await this.runs.resume(run.id);
    await this.store.audit.append({
      actor: by.actor,
      action: 'run.resume',
      subject: run.id,
      details: { ...queued, ...actorDetails(by) },
    });
    return { run: runView(await this.runs.summary(run.id, { problemLimit: 0 })), ...queued };
  }

  private async existingRun(runId: string): Promise<SyncRunEntity> {
    const run = await this.store.runs.get(runId);
    if (run === null) throw new OperationError('NOT_FOUND', 'run_not_found', `no run ${runId}`);
    return run;
  }

  private async activeRun(runId: string): Promise<SyncRunEntity> {
    const run = await this.existingRun(runId);
    if (isFinished(run.status)) throw notActive(run.id, run.status);
    return run;
  }

  /** Runs newest first, by source and status. */
  async list(request: RunListRequest = {}): Promise<Page<RunListItem>> {
    const paging = pagingOf(request);
    const statuses = request.status === undefined ? undefined : statusesOf(request.status);
    const rows = await this.store.runs.list({
      ...(request.source !== undefined ? { source: request.source } : {}),
      ...(statuses !== undefined ? { status: statuses } : {}),
      limit: paging.limit + 1,
      offset: paging.offset,
    });
    return pageOf(rows.map(runListItem), paging);
  }

  /**
   * A run's progress and counters with a page of its problems (oldest first).
   * @throws OperationError `NOT_FOUND` (`run_not_found`), `INVALID_INPUT` (problemsAfter, problemsLimit).
   */
  async detail(runId: string, request: RunDetailRequest = {}): Promise<RunDetailView> {
    const after = integerField('problemsAfter', request.problemsAfter, 0, 2_147_483_647);
    const limit = integerField('problemsLimit', request.problemsLimit, 1, 500) ?? 50;
    await this.existingRun(runId);
    const [summary, problems] = await Promise.all([
      this.runs.summary(runId, { problemLimit: 0 }),
      this.store.runs.listProblems(runId, {
        limit: limit + 1,
        ...(after !== undefined ? { afterId: after } : {}),
      }),
    ]);
    const items = problems.slice(0, limit).map((problem) => ({
      id: problem.id,
      recordSet: problem.recordSet,
      key: problem.recordKey,
      reason: problem.reason,
      effect: problem.effect,
      learnerRef: problem.learnerRef,
    }));
    return {
      ...runView(summary),
      problems: { items, next: problems.length > limit ? items[items.length - 1].id : null },
    };
  }
}

function notActive(runId: string, status?: string): OperationError {
  return new OperationError(
    'CONFLICT',
    'run_not_active',
    `run ${runId} is ${status ?? 'finished'}: only a queued or running run can be cancelled or resumed`,
  );
}

/** `succeeded`, or several comma-separated: `queued,running`. */
function statusesOf(value: string): RunStatus[] {
  const statuses = value.split(',').map((status) => status.trim());
  for (const status of statuses) {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) {
      throw invalidField('status', `must be one of ${RUN_STATUSES.join(', ')} (comma-separated for several)`);
    }
  }
  return statuses as RunStatus[];
}
