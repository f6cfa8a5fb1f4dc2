import { KeyMaterialError, SigningError } from '@app/clr';
import { MappingError } from '@app/mapping';
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

/** A short reason for a run or batch failure: the error's class, code and first line, no data. */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const code = (error as { code?: unknown }).code;
  const first = error.message.split('\n')[0].slice(0, 300);
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${first}`;
}
