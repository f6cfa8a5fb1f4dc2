/** Body of every error the publisher's own HTTP routes answer (all but the public CLR endpoints). */
export interface ApiErrorBody {
  error: {
    /** Stable, snake_case: `not_found`, `run_conflict`, `service_unavailable` ... */
    code: string;
    /** For people; names ids and fields, never personal data or internals. */
    message: string;
    details?: unknown;
  };
  /** The request's id, also in the `X-Request-Id` header and on every log line of the request. */
  requestId: string;
}

/**
 * An error a handler throws to answer with a given status and code, e.g.
 * `throw new ApiError(404, 'run_not_found', \`no run ${id}\`)`. Domain errors with codes
 * (StoreError, SyncRunError ...) need no wrapping: the exception filter maps them.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
