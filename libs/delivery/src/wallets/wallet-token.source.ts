import { type DeliveryTargetEntity, type StoreRepositories, type WalletConnectionEntity } from '@app/store';
import { DeliveryError } from '../errors/delivery-error';
import { type AccessToken, type ClientCredentials, type OAuthTokenClient } from '../oauth/oauth-token.client';
import { type WalletClientCredentials, type WalletTokenClient } from './wallet-token.client';

/** Refresh this long before the stored access token expires, ms. */
const EXPIRY_SKEW_MS = 30_000;

/** How a process waits for the tokens another one is refreshing. */
export interface RefreshWaitOptions {
  /** How often the stored tokens are read again, ms. Default 250. */
  pollMs?: number;
  /**
   * How long another process waits for the lease holder's tokens before failing its attempt (a
   * retryable `refresh_in_progress`), ms. Default: the token client's timeout and 5 s more.
   */
  waitMs?: number;
  /**
   * How long a claim to refresh lasts, ms. Default: twice the token client's timeout and 30 s
   * more, so the holder's request and the saving of its tokens end well within it, with room
   * for the worker hosts' clocks to differ (keep them in sync).
   */
  leaseMs?: number;
}

/** What a wallet delivery posts with: a token provider bound to one connection. */
export type WalletPostAuth =
  | {
      kind: 'ready';
      connection: WalletConnectionEntity;
      /** Hands PostClrClient this learner's token (refreshing it; 401 -> refresh once). */
      tokens: Pick<OAuthTokenClient, 'getToken' | 'invalidate'>;
      credentials: ClientCredentials;
    }
  | { kind: 'closed'; reason: string };

/**
 * The learner's tokens for a wallet target: the stored access token while it lives, else a
 * refresh at the wallet's token endpoint (rotated refresh tokens are stored). A refused grant
 * (`invalid_grant`) marks the connection broken (tokens deleted, target disabled) and surfaces
 * as a `token_rejected` DeliveryError with `oauthError: invalid_grant`.
 *
 * Refresh tokens rotate, so one is spent by one process: within a process one refresh per
 * connection runs at a time, and across processes the store's `claimRefresh` (a lease) lets one
 * of them refresh while the others wait for the tokens it stores. A wait that sees none is a
 * retryable failure of that attempt; a refresh that fails without `invalid_grant` ends its lease
 * at once, and a lease whose process went away runs out.
 */
export class WalletTokenSource {
  private readonly refreshing = new Map<string, Promise<AccessToken>>();
  private readonly pollMs: number;
  private readonly waitMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly store: Pick<StoreRepositories, 'wallets'>,
    private readonly client: WalletTokenClient,
    private readonly now: () => Date = () => new Date(),
    wait: RefreshWaitOptions = {},
  ) {
    this.pollMs = wait.pollMs ?? 250;
    this.waitMs = wait.waitMs ?? client.timeoutMs + 5_000;
    this.leaseMs = wait.leaseMs ?? 2 * client.timeoutMs + 30_000;
  }

  /** Binds a wallet target to its connection and the wallet's client. */
  async prepare(target: DeliveryTargetEntity): Promise<WalletPostAuth> {
    const connection = await this.store.wallets.byTarget(target.id);
    if (connection === null) return { kind: 'closed', reason: 'no wallet connection owns this target' };
    if (connection.status !== 'active') {
      return { kind: 'closed', reason: `the wallet connection is ${connection.status}` };
    }
    const walletClient = await this.store.wallets.clientFor(connection.walletHost);
    const secret = walletClient === null ? null : this.store.wallets.clientSecret(walletClient);
    if (walletClient === null || secret === null) {
      return { kind: 'closed', reason: 'the publisher has no client at this wallet' };
    }
    const client: WalletClientCredentials = {
      tokenUrl: walletClient.tokenUrl,
      clientId: walletClient.clientId,
      clientSecret: secret,
    };
    const scopes = connection.scopes.split(' ').filter((scope) => scope !== '');
    let refused: string | undefined;
    return {
      kind: 'ready',
      connection,
      credentials: { ...client, scopes },
      tokens: {
        getToken: () => this.token(connection.id, client, scopes, refused),
        invalidate: (_credentials, value) => {
          refused = value;
        },
      },
    };
  }

  private async token(
    connectionId: string,
    client: WalletClientCredentials,
    scopes: string[],
    refused: string | undefined,
  ): Promise<AccessToken> {
    const current = await this.activeConnection(connectionId);
    const stored = this.storedToken(current, scopes, refused);
    if (stored !== undefined) return stored;
    // One refresh per connection at a time in this process: refresh tokens rotate, and a
    // second use of the same one would make the wallet revoke the grant.
    const pending = this.refreshing.get(connectionId);
    if (pending !== undefined) return pending;
    const deadline = Date.now() + this.waitMs;
    const work = this.refresh(current, client, scopes, deadline).finally(() =>
      this.refreshing.delete(connectionId),
    );
    this.refreshing.set(connectionId, work);
    return work;
  }

  private async activeConnection(connectionId: string): Promise<WalletConnectionEntity> {
    const current = await this.store.wallets.get(connectionId);
    if (current?.status !== 'active') {
      throw new DeliveryError('token_rejected', 'The wallet connection is no longer active', {
        oauthError: 'invalid_grant',
      });
    }
    return current;
  }

  /** The stored access token while it lives (and is not the one the wallet just refused). */
  private storedToken(
    connection: WalletConnectionEntity,
    scopes: string[],
    refused: string | undefined,
  ): AccessToken | undefined {
    const { accessToken } = this.store.wallets.tokens(connection);
    const expiresAt = connection.accessExpiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (
      accessToken === null ||
      accessToken === refused ||
      expiresAt - EXPIRY_SKEW_MS <= this.now().getTime()
    ) {
      return undefined;
    }
    return { value: accessToken, scopes, expiresAt, refreshAt: expiresAt - EXPIRY_SKEW_MS };
  }

  /**
   * Another process holds the lease: waits (until `deadline`) for the access token it stores, or
   * claims the token itself once that lease ended without one (its refresh failed).
   */
  private async awaitRefresh(
    seen: WalletConnectionEntity,
    client: WalletClientCredentials,
    scopes: string[],
    deadline: number,
  ): Promise<AccessToken> {
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      const current = await this.activeConnection(seen.id);
      if (current.accessTokenEnc !== seen.accessTokenEnc) {
        const stored = this.storedToken(current, scopes, undefined);
        if (stored !== undefined) return stored;
      }
      const claimedUntil = current.refreshClaimedUntil?.getTime() ?? Number.NEGATIVE_INFINITY;
      if (claimedUntil < this.now().getTime()) return this.refresh(current, client, scopes, deadline);
    }
    throw refreshInProgress();
  }

  private async refresh(
    connection: WalletConnectionEntity,
    client: WalletClientCredentials,
    scopes: string[],
    deadline: number,
  ): Promise<AccessToken> {
    const { refreshToken } = this.store.wallets.tokens(connection);
    const sentEnc = connection.refreshTokenEnc;
    if (refreshToken === null || sentEnc === null) {
      await this.store.wallets.markBroken(
        connection.id,
        'the access token expired and the wallet gave no refresh token; the learner must connect again',
      );
      throw new DeliveryError('token_rejected', 'No refresh token for the wallet connection', {
        oauthError: 'invalid_grant',
      });
    }
    const lease = await this.store.wallets.claimRefresh(connection.id, sentEnc, this.leaseMs);
    if (lease === null) return this.awaitRefresh(connection, client, scopes, deadline);
    let answer: Awaited<ReturnType<WalletTokenClient['refresh']>>;
    try {
      answer = await this.client.refresh(client, refreshToken);
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.details.oauthError !== 'invalid_grant') {
        // Not spent, as far as we know: the next attempt (any process) may try. A failed release
        // only leaves the lease to run out; the refresh's own error is what matters.
        await this.store.wallets.releaseRefresh(connection.id, lease).catch(() => undefined);
        throw error;
      }
      // Refused: the grant is gone, unless the token was no longer ours to send (a lease that
      // ran out under us and another process rotated it); then this attempt only fails.
      const current = await this.store.wallets.get(connection.id);
      if (current !== null && current.refreshTokenEnc !== sentEnc) throw refreshInProgress();
      await this.store.wallets.markBroken(
        connection.id,
        'the wallet refused the refresh token (invalid_grant): the learner revoked the grant; they must connect again',
      );
      throw error;
    }
    // The old token is spent now: the new ones are stored before anything else (their lease ends).
    const expiresAt =
      answer.expiresIn === null ? null : new Date(this.now().getTime() + answer.expiresIn * 1000);
    await this.store.wallets.saveTokens(connection.id, {
      accessToken: answer.accessToken,
      accessExpiresAt: expiresAt,
      ...(answer.refreshToken !== null ? { refreshToken: answer.refreshToken } : {}),
    });
    const expiry = expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    return { value: answer.accessToken, scopes, expiresAt: expiry, refreshAt: expiry - EXPIRY_SKEW_MS };
  }
}

function refreshInProgress(): DeliveryError {
  return new DeliveryError(
    'refresh_in_progress',
    'Another worker is refreshing the wallet connection token; the delivery is tried again',
  );
}
