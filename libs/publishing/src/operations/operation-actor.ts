/** Who asks for an operation and through what: recorded in the audit log and on runs. */
export interface OperationActor {
  /** The admin token's name or the JWT's subject; `cli` (or the OS user) for the CLI. */
  actor: string;
  via: 'api' | 'cli';
  /** The HTTP request's id (API), so the audit entry can be matched with the request log. */
  requestId?: string;
}

/** Audit details every operation records besides its own: how it was asked for. */
export function actorDetails(by: OperationActor): Record<string, string> {
  return { via: by.via, ...(by.requestId !== undefined ? { requestId: by.requestId } : {}) };
}
