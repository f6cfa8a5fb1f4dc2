/** Why a run could not be triggered, found or waited for. */
export type SyncRunErrorCode =
  /** Another run of the source is active. */
  | 'RUN_CONFLICT'
  /** No SIS source of that name is configured. */
  | 'UNKNOWN_SOURCE'
  /** The request is malformed (e.g. a republish without learner ids). */
  | 'INVALID_REQUEST'
  /** No run with that id. */
  | 'NOT_FOUND'
  /** The queue (Redis) did not take the run's first job; the run was marked failed. */
  | 'QUEUE_UNAVAILABLE'
  /** The run did not finish within the time waited. */
  | 'TIMEOUT';

/** A run-level error with a stable code; messages name runs and sources, never learners. */
export class SyncRunError extends Error {
  override readonly name: string = 'SyncRunError';

  constructor(
    readonly code: SyncRunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A trigger refused because the source already has an active run. */
export class SyncRunConflictError extends SyncRunError {
  override readonly name = 'SyncRunConflictError';

  constructor(
    readonly source: string,
    readonly activeRunId: string,
  ) {
    super(
      'RUN_CONFLICT',
      `source "${source}" already has an active run (${activeRunId}); wait for it or cancel it`,
    );
  }
}
