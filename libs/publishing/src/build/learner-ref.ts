import { type ClrIdFactory } from '@app/mapping';

/**
 * The pseudonymous reference of a learner in the store, job payloads and problems: the 128-bit
 * HMAC that is also the last segment of the learner's CLR id. Stable, and not reversible to
 * the student id without the institution's secret.
 */
export function learnerRefOf(ids: ClrIdFactory, learnerId: string): string {
  return ids.hash('clr', learnerId);
}
