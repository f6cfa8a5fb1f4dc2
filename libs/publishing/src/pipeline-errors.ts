import { KeyMaterialError, SigningError } from '@app/clr';
import { MappingError } from '@app/mapping';
import { loggableError } from '@app/observability';
import { SisError } from '@app/sis';
import { StoreError } from '@app/store';

/**
 * Whether a failed extract or build is worth retrying: the SIS or the database briefly away,
 * Redis hiccups, anything unknown. Not: a configuration or schema the SIS does not fit, key
 * material that cannot sign, a mapping or signing bug, a store argument error — these fail the
 * same way every time, so the run is failed at once with the reason.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof SisError) return error.retryable;
  if (error instanceof StoreError) return error.code === 'VERSION_CONFLICT';
  if (error instanceof KeyMaterialError || error instanceof SigningError || error instanceof MappingError)
    return false;
  return true;
}

/** What BullMQ says of a job it failed because it stalled more often than allowed. */
const STALLED = /stalled more than allowable limit/;

/**
 * Why a job failed for good, as a run or batch reason: a job that stalled too often (its worker
 * died or hung every time it held it; no handler saw the last time), else {@link failureReason}.
 */
export function jobFailureReason(error: unknown): string {
  if (error instanceof Error && STALLED.test(error.message)) {
    return 'the job stalled more often than allowed (its worker died or hung each time it ran it)';
  }
  return failureReason(error);
}

/**
 * A short reason for a run or batch failure, stored on the run and logged: the error's class,
 * code and first line. The message is kept only for errors known to carry ids and codes only
 * (see `loggableError`): a driver's or an unknown error's text may quote SIS or store rows.
 */
export function failureReason(error: unknown): string {
  const logged = loggableError(error);
  const first = logged.message?.split('\n')[0].slice(0, 300) ?? 'message withheld (it may quote data)';
  return `${logged.type}${logged.code !== undefined ? ` ${logged.code}` : ''}: ${first}`;
}
