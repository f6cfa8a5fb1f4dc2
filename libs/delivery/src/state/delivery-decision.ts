import { type PostClrOutcome, type RejectedReason, type RetryableReason } from '../post-clr/post-clr-outcome';
import { backoffDelay } from '../retry/backoff';
import { backoffPolicyOf, type DeliveryRetryPolicy } from './delivery-retry-policy';

/** What a delivery's row becomes after one attempt. */
export type DeliveryDecision =
  | { next: 'delivered'; httpStatus: number; result: 'created' | 'replaced' | 'not_modified' | 'accepted' }
  | {
      next: 'retrying';
      /** Wait before the next attempt, ms. */
      delayMs: number;
      reason: RetryableReason;
      error: string;
      httpStatus?: number;
      imsxBody?: string;
    }
  | {
      next: 'dead';
      reason: RetryableReason;
      error: string;
      httpStatus?: number;
      imsxBody?: string;
    }
  | {
      next: 'rejected';
      reason: RejectedReason;
      error: string;
      httpStatus?: number;
      imsxBody?: string;
    };

/**
 * Decides a delivery's next state from one postClr outcome. `attempts` counts the attempt just
 * made (the claim counted it), so with `maxAttempts` 8 the eighth retryable failure is final.
 * The wait is {@link backoffDelay} of the attempt number, at least the provider's Retry-After.
 *
 * @param random a source of [0, 1) numbers for the jitter (tests).
 */
export function decideAfterPost(
  outcome: PostClrOutcome,
  attempts: number,
  policy: DeliveryRetryPolicy,
  random: () => number = Math.random,
): DeliveryDecision {
  switch (outcome.kind) {
    case 'delivered':
      return { next: 'delivered', httpStatus: outcome.status, result: outcome.result };
    case 'rejected':
      return {
        next: 'rejected',
        reason: outcome.reason,
        error: outcome.error,
        ...answer(outcome.status, outcome.imsxBody),
      };
    case 'retryable': {
      const failure = {
        reason: outcome.reason,
        error: outcome.error,
        ...answer(outcome.status, outcome.imsxBody),
      };
      if (attempts >= policy.maxAttempts) {
        return { next: 'dead', ...failure, error: `${outcome.error}; gave up after ${attempts} attempt(s)` };
      }
      const delayMs = backoffDelay(
        Math.max(1, attempts),
        backoffPolicyOf(policy),
        outcome.retryAfterSeconds,
        random,
      );
      return { next: 'retrying', delayMs, ...failure };
    }
  }
}

function answer(
  status: number | undefined,
  imsxBody: string | undefined,
): { httpStatus?: number; imsxBody?: string } {
  return {
    ...(status !== undefined ? { httpStatus: status } : {}),
    ...(imsxBody !== undefined ? { imsxBody } : {}),
  };
}
