import { type BackoffPolicy } from '../retry/backoff';

/** How often and how far apart a delivery is tried (config `delivery.retry`). */
export interface DeliveryRetryPolicy {
  /** Attempts in all, the first included, before a delivery is dead. */
  maxAttempts: number;
  /** Delay before the first retry, ms; doubles with each further one. */
  baseDelayMs: number;
  /** Longest computed delay, ms (a longer Retry-After is still honoured). */
  maxDelayMs: number;
}

/** Full jitter: many deliveries failing together spread their retries best. */
export function backoffPolicyOf(policy: DeliveryRetryPolicy): BackoffPolicy {
  return { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: 'full' };
}
