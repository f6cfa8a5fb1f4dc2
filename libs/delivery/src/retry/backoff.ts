/** How delays grow between attempts. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter, ms. */
  baseMs: number;
  /** Largest computed delay, ms (a provider's Retry-After may exceed it, see below). */
  maxMs: number;
  /**
   * `full`: uniform in [0, computed] (AWS "full jitter", spreads retries of many deliveries best);
   * `equal`: uniform in [computed/2, computed]; `none`: the computed delay.
   */
  jitter: 'full' | 'equal' | 'none';
  /** Longest Retry-After honoured, ms; a larger one is cut to this. Default 24 h. */
  maxRetryAfterMs?: number;
}

const DEFAULT_MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * A provider's Retry-After in ms, cut to `maxMs` (default 24 h): a provider may ask for a year,
 * or send a date in 9999, and a target must not stop for that long, nor a delay overflow.
 * Undefined for none, zero, negative or not finite.
 */
export function retryAfterMs(
  retryAfterSeconds: number | undefined,
  maxMs = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds <= 0) {
    return undefined;
  }
  return Math.min(retryAfterSeconds * 1000, maxMs);
}

/**
 * The delay before retry number `attempt` (1 = the first retry): `baseMs * 2^(attempt-1)` capped
 * at `maxMs`, jittered. When the provider sent `Retry-After`, the delay is at least that long
 * (up to `maxRetryAfterMs`): retrying earlier would only be refused again.
 *
 * @param random a source of [0, 1) numbers, for tests.
 * @throws RangeError on an attempt below 1 or a policy with negative or inverted bounds.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  if (!(policy.baseMs >= 0) || !(policy.maxMs >= policy.baseMs)) {
    throw new RangeError('backoff policy needs 0 <= baseMs <= maxMs');
  }
  // 2^(attempt-1) overflows to Infinity for large attempts; min() then caps it.
  const computed = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 1000));
  let delay: number;
  switch (policy.jitter) {
    case 'full':
      delay = Math.floor(random() * (computed + 1));
      break;
    case 'equal':
      delay = Math.floor(computed / 2 + random() * (computed / 2 + 1));
      break;
    case 'none':
      delay = computed;
      break;
  }
  delay = Math.min(delay, computed);
  const floor = retryAfterMs(retryAfterSeconds, policy.maxRetryAfterMs);
  if (floor !== undefined) delay = Math.max(delay, floor);
  return delay;
}
