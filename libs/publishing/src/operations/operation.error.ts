/**
 * How an operator's request failed, whoever asked (admin API or CLI):
 * - `INVALID_INPUT`: the request is malformed (`field` names what); API 400, CLI exit 2.
 * - `NOT_FOUND`: what it names does not exist; API 404, CLI exit 1.
 * - `CONFLICT`: the thing is not in a state that allows it (already revoked, not dead ...); API 409, CLI exit 1.
 * - `UNPROCESSABLE`: well-formed, but cannot be done as asked (discovery failed, nothing to
 *   republish ...); API 422, CLI exit 1.
 */
export type OperationErrorKind = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNPROCESSABLE';

/**
 * A refused operation. `code` is the stable snake_case code the admin API answers
 * (`assertion_not_found`, `already_revoked` ...); the message names ids and fields, never
 * personal data.
 */
export class OperationError extends Error {
  override readonly name = 'OperationError';

  constructor(
    readonly kind: OperationErrorKind,
    readonly code: string,
    message: string,
    readonly extra: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }

  /** The request field at fault, when one is. */
  get field(): string | undefined {
    return this.extra.field;
  }

  /** `{ field?, ...details }`: what the API puts in `error.details`. */
  get details(): Record<string, unknown> | undefined {
    const details = {
      ...(this.extra.field !== undefined ? { field: this.extra.field } : {}),
      ...this.extra.details,
    };
    return Object.keys(details).length === 0 ? undefined : details;
  }
}

/** A malformed request field: `invalid('reason', 'must not be empty')` -> "reason must not be empty". */
export function invalidField(field: string, problem: string): OperationError {
  return new OperationError('INVALID_INPUT', 'invalid_request', `${field} ${problem}`, { field });
}
