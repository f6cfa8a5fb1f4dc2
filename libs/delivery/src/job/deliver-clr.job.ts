import { type PostClrPayload } from '@app/clr';
import { type DeliveryEntity, type DeliveryTargetEntity, type StoreRepositories } from '@app/store';
import { DeliveryError } from '../errors/delivery-error';
import { type HttpClientOptions } from '../http/http-client-options';
import {
  LimiterAbortedError,
  SharedLimitsUnavailableError,
  type TargetRateLimiter,
} from '../limiter/target-rate-limiter';
import { type ClientCredentials, type OAuthTokenClient } from '../oauth/oauth-token.client';
import { type PostClrOutcome } from '../post-clr/post-clr-outcome';
import { PostClrClient } from '../post-clr/post-clr.client';
import { backoffDelay, retryAfterMs } from '../retry/backoff';
import {
  type DeadReason,
  type DeliverClrOutcome,
  type DeliveryTargetLabel,
} from '../state/deliver-clr-outcome';
import { decideAfterPost } from '../state/delivery-decision';
import { DeliveryPayloadError, deliveryPayload } from '../state/delivery-payload';
import { backoffPolicyOf } from '../state/delivery-retry-policy';
import { type DeliveryTargetService } from '../targets/delivery-target.service';
import { type WalletTokenSource } from '../wallets/wallet-token.source';
import { type DeliveryQueue } from './delivery-queue';
import { type DeliverySettings } from './delivery-settings';

/** The payload of a deliver job: the delivery's id, nothing else. */
export interface DeliverClrPayload {
  deliveryId: string;
}

/**
 * Handles one deliver job: POSTs one stored CLR version to one target and moves the delivery
 * through its states. Safe to run any number of times for the same delivery: the claim is a
 * guarded UPDATE, so a replayed, duplicated or late job finds nothing to do.
 *
 * 1. Guard: a delivery that is not `pending`/`retrying` (or `in_flight` and stale) is skipped.
 *    While an older version of the same learner's CLR is being sent to the same target, or the
 *    target is paused or busy, the job is handed back (`throttled`) without touching the row.
 * 2. Claim (attempts + 1). A newer version for the same learner and target -> `superseded`.
 * 3. A CLR revoked meanwhile (its learner left the SIS) is never sent: `dead` (`clr_revoked`).
 *    Payload in the target's form, credentials (registering when needed), postClr within the
 *    target's limits; a 401 refreshes the token once (PostClrClient); `invalid_client` from a
 *    dynamically registered target registers it again and sends once more.
 * 4. delivered -> `delivered` (status kept); retryable -> `retrying` with the next attempt queued
 *    after the backoff (at least Retry-After), or `dead` after `maxAttempts`; rejected ->
 *    `rejected` with the provider's status and imsx body.
 *
 * An unexpected exception is rethrown (BullMQ retries the job once) after putting the delivery
 * back to `retrying` so it stays reclaimable; if even that fails, the row stays `in_flight` and
 * the sweeper reclaims it once stale.
 */
export class DeliverClrJob {
  private readonly clients = new Map<number, PostClrClient>();
  private readonly limits = new Map<string, string>();
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(
    private readonly store: Pick<StoreRepositories, 'deliveries' | 'versions'>,
    private readonly targets: DeliveryTargetService,
    private readonly tokens: OAuthTokenClient,
    private readonly limiter: TargetRateLimiter,
    private readonly queue: DeliveryQueue,
    private readonly settings: DeliverySettings,
    private readonly httpOptions: HttpClientOptions = {},
    /** Learners' wallet targets (authMode `wallet`); without it their deliveries die. */
    private readonly wallets?: WalletTokenSource,
  ) {
    this.now = settings.now ?? (() => new Date());
    this.random = settings.random ?? Math.random;
  }

  /** @param signal cancels a wait for a target slot or a post in progress (worker shutdown). */
  async handle(
    payload: DeliverClrPayload,
    options: { signal?: AbortSignal } = {},
  ): Promise<DeliverClrOutcome> {
    const { deliveryId } = payload;
    const staleBefore = new Date(this.now().getTime() - this.settings.staleAfterMs);
    const row = await this.store.deliveries.get(deliveryId);
    if (row === null) return { kind: 'skipped', deliveryId, reason: 'not_found' };
    if (!claimable(row, staleBefore)) {
      return { kind: 'skipped', deliveryId, reason: 'not_claimable', status: row.status };
    }

    const target = await this.targets.target(row.targetId);
    return {
      ...(await this.handleClaimable(row, target, options.signal, staleBefore)),
      target: targetLabel(target),
    };
  }

  private async handleClaimable(
    row: DeliveryEntity,
    target: DeliveryTargetEntity | null,
    outerSignal: AbortSignal | undefined,
    staleBefore: Date,
  ): Promise<DeliverClrOutcome> {
    const deliveryId = row.id;
    let release: (() => void) | undefined;
    if (target !== null && target.enabled) {
      if (await this.olderVersionInFlight(row, staleBefore)) {
        return this.throttled(deliveryId, 'older_version_in_flight');
      }
      this.applyLimits(target);
      const pausedUntil = this.limiter.stats(target.id).pausedUntil;
      if (pausedUntil > this.now().getTime() + this.settings.maxSlotWaitMs) {
        return { kind: 'throttled', deliveryId, retryAt: new Date(pausedUntil), reason: 'target_paused' };
      }
      try {
        const timeout = AbortSignal.timeout(this.settings.maxSlotWaitMs);
        const signal = outerSignal === undefined ? timeout : AbortSignal.any([timeout, outerSignal]);
        release = await this.limiter.acquire(target.id, signal);
      } catch (error) {
        if (error instanceof SharedLimitsUnavailableError)
          return this.throttled(deliveryId, 'limits_unavailable', error.message);
        if (error instanceof LimiterAbortedError) return this.throttled(deliveryId, 'target_busy');
        throw error;
      }
    }
    try {
      const claimed = await this.store.deliveries.claim(deliveryId, { staleBefore });
      if (claimed === null) {
        const current = await this.store.deliveries.get(deliveryId);
        return {
          kind: 'skipped',
          deliveryId,
          reason: current === null ? 'not_found' : 'not_claimable',
          ...(current !== null ? { status: current.status } : {}),
        };
      }
      try {
        return await this.deliverClaimed(claimed, target, outerSignal);
      } catch (error) {
        await this.releaseAfterCrash(claimed, error);
        throw error;
      }
    } finally {
      release?.();
    }
  }

  private async deliverClaimed(
    claimed: DeliveryEntity,
    target: DeliveryTargetEntity | null,
    signal: AbortSignal | undefined,
  ): Promise<DeliverClrOutcome> {
    if (target === null || !target.enabled) {
      return this.dead(
        claimed,
        'target_disabled',
        `target ${target?.name ?? claimed.targetId} is disabled or no longer configured; requeue the delivery once it is enabled`,
      );
    }
    const newer = await this.store.deliveries.findNewer(
      claimed.learnerRef,
      claimed.targetId,
      claimed.versionNumber,
    );
    if (newer !== null) {
      const recorded = await this.store.deliveries.markSuperseded(claimed.id);
      return { kind: 'superseded', deliveryId: claimed.id, byDeliveryId: newer.id, recorded };
    }
    const version = await this.store.versions.getPayload(claimed.clrVersionId, target.payloadForm);
    if (version === null) {
      return this.dead(
        claimed,
        'payload_unavailable',
        `CLR version ${claimed.clrVersionId} no longer exists`,
      );
    }
    if (version.clrRevoked) {
      return this.dead(
        claimed,
        'clr_revoked',
        `the CLR of version ${claimed.clrVersionId} is revoked (its learner is no longer in the SIS): it is not sent`,
      );
    }
    let payload: PostClrPayload;
    try {
      payload = deliveryPayload(version, target.payloadForm);
    } catch (error) {
      if (error instanceof DeliveryPayloadError)
        return this.dead(claimed, 'payload_unavailable', error.message);
      throw error;
    }

    if (target.authMode === 'wallet') return this.deliverToWallet(claimed, target, payload, signal);

    let reregistered = false;
    let credentials: ClientCredentials;
    try {
      credentials = await this.targets.credentialsFor(target);
    } catch (error) {
      return this.record(claimed, credentialFailure(error), false);
    }
    let outcome = await this.client(target).post({ baseUrl: target.baseUrl, credentials }, payload, signal);
    if (
      outcome.kind === 'rejected' &&
      outcome.reason === 'token_rejected' &&
      outcome.oauthError === 'invalid_client' &&
      target.authMode === 'dynamic_registration'
    ) {
      // The provider forgot the registered client (reset, expiry): register again, send once more.
      try {
        credentials = await this.targets.reregister(target, credentials.clientId);
        reregistered = true;
        outcome = await this.client(target).post({ baseUrl: target.baseUrl, credentials }, payload, signal);
      } catch (error) {
        outcome = credentialFailure(error);
      }
    }
    const pauseMs = outcome.kind === 'retryable' ? retryAfterMs(outcome.retryAfterSeconds) : undefined;
    if (pauseMs !== undefined) {
      // Every job to this target waits, not only this one (429, or 503 with Retry-After).
      this.limiter.pauseUntil(target.id, this.now().getTime() + pauseMs);
    }
    return this.record(claimed, outcome, reregistered);
  }

  /**
   * A learner's wallet: posted with that learner's token. A connection closed meanwhile, or a
   * grant the wallet refused (`invalid_grant`, the connection is then broken), kills the
   * delivery with its reason; everything else follows the usual decisions.
   */
  private async deliverToWallet(
    claimed: DeliveryEntity,
    target: DeliveryTargetEntity,
    payload: PostClrPayload,
    signal: AbortSignal | undefined,
  ): Promise<DeliverClrOutcome> {
    if (this.wallets === undefined) {
      return this.dead(claimed, 'target_disabled', 'wallet deliveries are not set up in this process');
    }
    const auth = await this.wallets.prepare(target);
    if (auth.kind === 'closed') return this.dead(claimed, 'wallet_disconnected', auth.reason);
    const client = new PostClrClient(auth.tokens, { ...this.httpOptions, timeoutMs: target.timeoutMs });
    const outcome = await client.post(
      { baseUrl: target.baseUrl, credentials: auth.credentials },
      payload,
      signal,
    );
    if (
      outcome.kind === 'rejected' &&
      outcome.reason === 'token_rejected' &&
      outcome.oauthError === 'invalid_grant'
    ) {
      return this.dead(
        claimed,
        'wallet_grant_revoked',
        "the wallet refused the learner's grant (invalid_grant); the connection is broken until they connect again",
      );
    }
    return this.record(claimed, outcome, false);
  }

  private async record(
    claimed: DeliveryEntity,
    outcome: PostClrOutcome,
    reregistered: boolean,
  ): Promise<DeliverClrOutcome> {
    const decision = decideAfterPost(outcome, claimed.attempts, this.settings.retry, this.random);
    const { id: deliveryId, attempts } = claimed;
    switch (decision.next) {
      case 'delivered': {
        const recorded = await this.store.deliveries.markDelivered(deliveryId, {
          httpStatus: decision.httpStatus,
          imsxBody: null,
        });
        return {
          kind: 'delivered',
          deliveryId,
          attempts,
          status: decision.httpStatus,
          result: decision.result,
          tokenRefreshed: outcome.tokenRefreshed,
          reregistered,
          recorded,
        };
      }
      case 'retrying': {
        const nextAttemptAt = new Date(this.now().getTime() + decision.delayMs);
        const recorded = await this.store.deliveries.markRetrying(deliveryId, {
          error: decision.error,
          httpStatus: decision.httpStatus ?? null,
          imsxBody: decision.imsxBody ?? null,
          nextAttemptAt,
        });
        // Queued only once the row says so: a job that runs early finds the row retrying and
        // claims it, which is fine; a job queued for a row we lost would only be skipped.
        if (recorded) await this.queue.enqueue(deliveryId, attempts, decision.delayMs);
        return {
          kind: 'retrying',
          deliveryId,
          attempts,
          reason: decision.reason,
          ...(decision.httpStatus !== undefined ? { status: decision.httpStatus } : {}),
          error: decision.error,
          nextAttemptAt,
          nextJobQueued: recorded,
          recorded,
        };
      }
      case 'dead': {
        const recorded = await this.store.deliveries.markDead(deliveryId, {
          error: decision.error,
          httpStatus: decision.httpStatus ?? null,
          imsxBody: decision.imsxBody ?? null,
        });
        return {
          kind: 'dead',
          deliveryId,
          attempts,
          reason: decision.reason,
          ...(decision.httpStatus !== undefined ? { status: decision.httpStatus } : {}),
          error: decision.error,
          recorded,
        };
      }
      case 'rejected': {
        const recorded = await this.store.deliveries.markRejected(deliveryId, {
          error: decision.error,
          httpStatus: decision.httpStatus ?? null,
          imsxBody: decision.imsxBody ?? null,
        });
        return {
          kind: 'rejected',
          deliveryId,
          attempts,
          reason: decision.reason,
          ...(decision.httpStatus !== undefined ? { status: decision.httpStatus } : {}),
          error: decision.error,
          recorded,
        };
      }
    }
  }

  private async dead(claimed: DeliveryEntity, reason: DeadReason, error: string): Promise<DeliverClrOutcome> {
    const recorded = await this.store.deliveries.markDead(claimed.id, { error });
    return { kind: 'dead', deliveryId: claimed.id, attempts: claimed.attempts, reason, error, recorded };
  }

  /**
   * After an unexpected exception: back to `retrying` (or `dead` once out of attempts) so the
   * job's retry or the sweeper can claim it again. A failure here (the database is away) leaves
   * the row `in_flight`, which the sweeper reclaims once stale; the original error is what the
   * caller sees.
   */
  private async releaseAfterCrash(claimed: DeliveryEntity, error: unknown): Promise<void> {
    const name = error instanceof Error ? error.name : typeof error;
    try {
      if (claimed.attempts >= this.settings.retry.maxAttempts) {
        await this.store.deliveries.markDead(claimed.id, {
          error: `internal error (${name}); gave up after ${claimed.attempts} attempt(s)`,
        });
      } else {
        const delayMs = backoffDelay(
          claimed.attempts,
          backoffPolicyOf(this.settings.retry),
          undefined,
          this.random,
        );
        await this.store.deliveries.markRetrying(claimed.id, {
          error: `internal error (${name})`,
          nextAttemptAt: new Date(this.now().getTime() + delayMs),
        });
      }
    } catch {
      // Left in_flight: the sweeper reclaims it after staleAfterSeconds.
    }
  }

  private async olderVersionInFlight(row: DeliveryEntity, staleBefore: Date): Promise<boolean> {
    const inFlight = await this.store.deliveries.list({
      learnerRef: row.learnerRef,
      targetId: row.targetId,
      status: 'in_flight',
      limit: 10,
    });
    return inFlight.some(
      (other) =>
        other.versionNumber < row.versionNumber && other.updatedAt.getTime() >= staleBefore.getTime(),
    );
  }

  private throttled(
    deliveryId: string,
    reason: 'target_busy' | 'older_version_in_flight' | 'limits_unavailable',
    detail?: string,
  ): DeliverClrOutcome {
    return {
      kind: 'throttled',
      deliveryId,
      retryAt: new Date(this.now().getTime() + this.settings.throttleDelayMs),
      reason,
      ...(detail !== undefined ? { detail } : {}),
    };
  }

  private applyLimits(target: DeliveryTargetEntity): void {
    const key = `${target.concurrency}/${target.ratePerSecond}`;
    if (this.limits.get(target.id) === key) return;
    this.limiter.setLimits(target.id, {
      concurrency: target.concurrency,
      ratePerSecond: target.ratePerSecond,
    });
    this.limits.set(target.id, key);
  }

  private client(target: DeliveryTargetEntity): PostClrClient {
    let client = this.clients.get(target.timeoutMs);
    if (client === undefined) {
      client = new PostClrClient(this.tokens, { ...this.httpOptions, timeoutMs: target.timeoutMs });
      this.clients.set(target.timeoutMs, client);
    }
    return client;
  }
}

/** See {@link DeliveryTargetLabel}. */
function targetLabel(target: DeliveryTargetEntity | null): DeliveryTargetLabel {
  if (target === null) return 'unknown';
  return target.authMode === 'wallet' ? 'wallet' : target.name;
}

function claimable(row: DeliveryEntity, staleBefore: Date): boolean {
  if (row.status === 'pending' || row.status === 'retrying') return true;
  return row.status === 'in_flight' && row.updatedAt.getTime() < staleBefore.getTime();
}

/** Discovery, registration or token trouble before anything was posted, as a postClr outcome. */
function credentialFailure(error: unknown): PostClrOutcome {
  if (!(error instanceof DeliveryError)) throw error;
  const status = error.details.status !== undefined ? { status: error.details.status } : {};
  if (error.retryable) {
    return {
      kind: 'retryable',
      reason: 'token_unavailable',
      error: error.message,
      ...status,
      ...(error.details.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.details.retryAfterSeconds }
        : {}),
      tokenRefreshed: false,
    };
  }
  return {
    kind: 'rejected',
    reason: error.code === 'invalid_target' ? 'invalid_target' : 'token_rejected',
    error: error.message,
    ...status,
    ...(error.details.oauthError !== undefined ? { oauthError: error.details.oauthError } : {}),
    tokenRefreshed: false,
  };
}
