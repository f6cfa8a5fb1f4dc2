import { type DeliveryConfig } from '@app/config';
import { type DeliveryRetryPolicy } from '../state/delivery-retry-policy';

/** How the deliver handler and the sweeper behave (from config `delivery`, plus internals). */
export interface DeliverySettings {
  retry: DeliveryRetryPolicy;
  /** An `in_flight` delivery untouched this long belongs to a dead worker and is claimed again, ms. */
  staleAfterMs: number;
  /**
   * Longest wait for a target slot (per-target concurrency and rate) inside a job, ms. A job
   * that waits longer is handed back delayed, so one slow or paused target cannot hold every
   * worker slot. Default 5000.
   */
  maxSlotWaitMs: number;
  /** Delay of a job handed back (target busy, older version in flight), ms. Default 1000. */
  throttleDelayMs: number;
  /** Sweeper: a `pending` delivery this old without a job is queued again, ms. Default 60 000. */
  pendingGraceMs: number;
  /** Sweeper: deliveries examined per kind per sweep. Default 500. */
  sweepBatchSize: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

/** The settings of a validated configuration's `delivery` section. */
export function deliverySettingsOf(
  delivery: Pick<DeliveryConfig, 'retry' | 'staleAfterSeconds'>,
  overrides: Partial<DeliverySettings> = {},
): DeliverySettings {
  return {
    retry: { ...delivery.retry },
    staleAfterMs: delivery.staleAfterSeconds * 1000,
    maxSlotWaitMs: 5000,
    throttleDelayMs: 1000,
    pendingGraceMs: 60_000,
    sweepBatchSize: 500,
    ...overrides,
  };
}
