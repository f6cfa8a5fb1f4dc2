import { RESULT_STATUSES, type ResultStatus } from '@app/clr';

export type StatusParse = { kind: 'status'; status: ResultStatus } | { kind: 'empty' } | { kind: 'unknown' };

function fold(value: string): string {
  return value.toLowerCase().replace(/[^a-z]/g, '');
}

const BY_FOLDED = new Map<string, ResultStatus>(RESULT_STATUSES.map((status) => [fold(status), status]));

/**
 * The CLR `Result.status` of a SIS status, matched ignoring case, spaces and punctuation
 * (`In Progress`, `in_progress` -> `InProgress`). The contract's four statuses and the CLR's other
 * two (Enrolled, OnHold) are accepted.
 */
export function parseResultStatus(value: string | null): StatusParse {
  if (value === null || value.trim() === '') return { kind: 'empty' };
  const status = BY_FOLDED.get(fold(value));
  return status === undefined ? { kind: 'unknown' } : { kind: 'status', status };
}
