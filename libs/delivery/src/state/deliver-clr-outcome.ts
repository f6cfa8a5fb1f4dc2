import { type DeliveryStatus } from '@app/store';
import { type RejectedReason, type RetryableReason } from '../post-clr/post-clr-outcome';

/** Why a job did nothing to its delivery. */
export type SkipReason =
  /** No delivery with that id. */
  | 'not_found'
  /** Settled, or held by another worker whose claim is not stale (a replayed or duplicate job). */
  | 'not_claimable';

/** Why a claimed delivery died without being sent or after its last attempt. */
export type DeadReason =
  | RetryableReason
  /** The target was disabled or removed from the configuration after the delivery was queued. */
  | 'target_disabled'
  /** The stored version cannot be sent in the target's form (e.g. no signature for signedClr). */
  | 'payload_unavailable'
  /** The CLR was revoked after the delivery was queued (its learner left the SIS). */
  | 'clr_revoked'
  /** A learner's wallet connection was disconnected or broke before this delivery went out. */
  | 'wallet_disconnected'
  /** The wallet refused the learner's grant (`invalid_grant`): the connection is now broken. */
  | 'wallet_grant_revoked';

/**
 * The label of a delivery's target in metrics and logs: its configured name, `wallet` for any
 * learner's wallet (one target per connection: a name per learner would be a label per learner),
 * `unknown` when the target row is gone.
 */
export type DeliveryTargetLabel = string;

/**
 * What {@link DeliverClrJob.handle} did with one job. Every kind but `throttled` and `skipped`
 * changed the delivery's row; `recorded: false` says the row had been taken over meanwhile
 * (reclaimed as stale by another worker), so this worker's result was not written.
 */
export type DeliverClrOutcome = DeliverClrOutcomeKind & {
  /** Set once the target was looked up (every kind but `skipped`). */
  target?: DeliveryTargetLabel;
};

/** {@link DeliverClrOutcome} by kind. */
export type DeliverClrOutcomeKind =
  | { kind: 'skipped'; deliveryId: string; reason: SkipReason; status?: DeliveryStatus }
  /**
   * Not claimed: the target is paused (Retry-After), its slots stayed busy, an older version of
   * the same CLR is being sent to it right now, or the limits shared by the worker processes
   * could not be asked (Redis answered with an error, in `detail`). Run the same job again at
   * `retryAt`.
   */
  | {
      kind: 'throttled';
      deliveryId: string;
      retryAt: Date;
      reason: 'target_paused' | 'target_busy' | 'older_version_in_flight' | 'limits_unavailable';
      detail?: string;
    }
  | { kind: 'superseded'; deliveryId: string; byDeliveryId: string; recorded: boolean }
  | {
      kind: 'delivered';
      deliveryId: string;
      attempts: number;
      status: number;
      result: 'created' | 'replaced' | 'not_modified' | 'accepted';
      tokenRefreshed: boolean;
      /** Whether the target's client was registered again because the provider forgot it. */
      reregistered: boolean;
      recorded: boolean;
    }
  | {
      kind: 'retrying';
      deliveryId: string;
      attempts: number;
      reason: RetryableReason;
      status?: number;
      error: string;
      nextAttemptAt: Date;
      /** The job id of the next attempt, queued delayed (absent when the row was not recorded). */
      nextJobQueued: boolean;
      recorded: boolean;
    }
  | {
      kind: 'dead';
      deliveryId: string;
      attempts: number;
      reason: DeadReason;
      status?: number;
      error: string;
      recorded: boolean;
    }
  | {
      kind: 'rejected';
      deliveryId: string;
      attempts: number;
      reason: RejectedReason;
      status?: number;
      error: string;
      recorded: boolean;
    };
