import { type EntityManager, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { type KeyCipher } from '../crypto/key-cipher';
import { type StoreContext } from '../database/store-context';
import { DeliveryTargetEntity, type PayloadForm } from '../entities/delivery-target.entity';
import { WalletAuthorizationEntity } from '../entities/wallet-authorization.entity';
import { WalletClientEntity } from '../entities/wallet-client.entity';
import { WalletConnectionEntity } from '../entities/wallet-connection.entity';
import { StoreError } from '../store.errors';
import { clip, newId, optionalText, requireText } from './repository-helpers';

/** The publisher's client at a wallet host, as registered. */
export interface WalletClientInput {
  host: string;
  baseUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
  scopesOffered: readonly string[];
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
  /** The RFC 7591 registration response (stored encrypted). */
  registration: Record<string, unknown>;
}

/** A pending authorization request (the raw state is never stored, only its hash). */
export interface WalletAuthorizationInput {
  stateHash: string;
  learnerRef: string;
  walletHost: string;
  codeVerifier: string;
  expiresAt: Date;
}

/** What the callback gets back for a state it presents. */
export type TakenAuthorization =
  | { kind: 'found'; learnerRef: string; walletHost: string; codeVerifier: string }
  | { kind: 'unknown' }
  | { kind: 'expired' };

/** Tokens from the wallet's token endpoint. */
export interface WalletTokens {
  accessToken: string;
  /** Null when the wallet gave no `expires_in`. */
  accessExpiresAt: Date | null;
  /** Undefined keeps the stored one (a refresh answer without rotation). */
  refreshToken?: string | null;
}

export interface WalletConnectInput extends WalletTokens {
  learnerRef: string;
  walletHost: string;
  /** The wallet's base URL (postClr goes under it). */
  baseUrl: string;
  scopes: readonly string[];
  payloadForm?: PayloadForm;
  timeoutMs?: number;
}

/**
 * Learner wallets: the publisher's client per wallet host, pending authorization requests
 * (single use), and per-learner connections with their tokens encrypted at rest. Each
 * connection owns a delivery target (origin `wallet`) so its deliveries use the usual state
 * machine; disconnecting or breaking disables that target and deletes the tokens.
 */
export class WalletRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly cipher: KeyCipher,
  ) {}

  // --- clients per wallet host ---------------------------------------------------------------

  clientFor(host: string): Promise<WalletClientEntity | null> {
    return this.ctx.run((m) => m.findOneBy(WalletClientEntity, { host: normalHost(host) }));
  }

  /** Keeps (or replaces) the client registered at a wallet host. */
  async saveClient(input: WalletClientInput): Promise<WalletClientEntity> {
    const host = normalHost(requireText(input.host, 'host', 255));
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const existing = await m.findOneBy(WalletClientEntity, { host });
      const row: WalletClientEntity = {
        host,
        baseUrl: requireText(input.baseUrl, 'baseUrl', 500),
        authorizationUrl: requireText(input.authorizationUrl, 'authorizationUrl', 500),
        tokenUrl: requireText(input.tokenUrl, 'tokenUrl', 500),
        scopesOffered: input.scopesOffered.join(' ').slice(0, 1000),
        clientId: requireText(input.clientId, 'clientId', 255),
        clientSecretEnc:
          input.clientSecret === null
            ? null
            : this.cipher.encrypt(input.clientSecret, clientSecretContext(host)),
        redirectUri: requireText(input.redirectUri, 'redirectUri', 500),
        registrationEnc: this.cipher.encrypt(JSON.stringify(input.registration), registrationContext(host)),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await m.save(WalletClientEntity, row);
      return row;
    });
  }

  /** The decrypted client secret, or null. */
  clientSecret(client: WalletClientEntity): string | null {
    return client.clientSecretEnc === null
      ? null
      : this.cipher.decrypt(client.clientSecretEnc, clientSecretContext(client.host));
  }

  // --- pending authorizations ----------------------------------------------------------------

  async createAuthorization(input: WalletAuthorizationInput): Promise<void> {
    const stateHash = requireText(input.stateHash, 'stateHash', 64);
    const row: WalletAuthorizationEntity = {
      stateHash,
      learnerRef: requireText(input.learnerRef, 'learnerRef', 128),
      walletHost: normalHost(requireText(input.walletHost, 'walletHost', 255)),
      codeVerifierEnc: this.cipher.encrypt(input.codeVerifier, verifierContext(stateHash)),
      expiresAt: input.expiresAt,
      createdAt: this.ctx.now(),
    };
    await this.ctx.run((m) => m.insert(WalletAuthorizationEntity, row));
  }

  /**
   * Takes a pending authorization once: the row is deleted whatever it says, so a replayed or
   * late state finds nothing. Of two concurrent takers only the one whose DELETE removed the
   * row gets it.
   */
  async takeAuthorization(stateHash: string): Promise<TakenAuthorization> {
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const row = await m.findOneBy(WalletAuthorizationEntity, { stateHash });
      if (row === null) return { kind: 'unknown' };
      const deleted = await m.delete(WalletAuthorizationEntity, { stateHash });
      if (deleted.affected !== 1) return { kind: 'unknown' };
      if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
      return {
        kind: 'found',
        learnerRef: row.learnerRef,
        walletHost: row.walletHost,
        codeVerifier: this.cipher.decrypt(row.codeVerifierEnc, verifierContext(stateHash)),
      };
    });
  }

  /** Deletes authorizations past their expiry; returns how many. */
  async purgeExpiredAuthorizations(): Promise<number> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.delete(WalletAuthorizationEntity, { expiresAt: LessThanOrEqual(now) }),
    );
    return result.affected ?? 0;
  }

  // --- connections ---------------------------------------------------------------------------

  /**
   * Stores a learner's connection to a wallet with its tokens, creating its delivery target
   * the first time; connecting again (after a disconnect or a broken grant) reactivates the same
   * connection with the new tokens.
   */
  async connect(input: WalletConnectInput): Promise<WalletConnectionEntity> {
    const learnerRef = requireText(input.learnerRef, 'learnerRef', 128);
    const walletHost = normalHost(requireText(input.walletHost, 'walletHost', 255));
    const baseUrl = requireText(input.baseUrl, 'baseUrl', 500);
    const scopes = requireText(input.scopes.join(' '), 'scopes', 1000);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const existing = await m.findOneBy(WalletConnectionEntity, { learnerRef, walletHost });
      const id = existing?.id ?? newId();
      const targetId = existing?.targetId ?? newId();
      const target: DeliveryTargetEntity = {
        id: targetId,
        name: `wallet:${id}`,
        baseUrl,
        authMode: 'wallet',
        clientId: null,
        clientSecretEnc: null,
        tokenUrl: null,
        scopes,
        payloadForm: input.payloadForm ?? 'signedClr',
        concurrency: 1,
        ratePerSecond: 5,
        timeoutMs: input.timeoutMs ?? 30_000,
        enabled: true,
        discoveryUrl: null,
        registrationEnc: null,
        origin: 'wallet',
        createdAt: (await m.findOneBy(DeliveryTargetEntity, { id: targetId }))?.createdAt ?? now,
        updatedAt: now,
      };
      await m.save(DeliveryTargetEntity, target);
      const row: WalletConnectionEntity = {
        id,
        learnerRef,
        walletHost,
        targetId,
        status: 'active',
        scopes,
        accessTokenEnc: this.cipher.encrypt(
          requireText(input.accessToken, 'accessToken', 100_000),
          accessContext(id),
        ),
        accessExpiresAt: input.accessExpiresAt,
        refreshTokenEnc:
          input.refreshToken === undefined || input.refreshToken === null
            ? null
            : this.cipher.encrypt(input.refreshToken, refreshContext(id)),
        refreshClaimedUntil: null,
        statusReason: null,
        connectedAt: now,
        updatedAt: now,
      };
      await m.save(WalletConnectionEntity, row);
      return row;
    });
  }

  get(id: string): Promise<WalletConnectionEntity | null> {
    return this.ctx.run((m) => m.findOneBy(WalletConnectionEntity, { id }));
  }

  byTarget(targetId: string): Promise<WalletConnectionEntity | null> {
    return this.ctx.run((m) => m.findOneBy(WalletConnectionEntity, { targetId }));
  }

  /** A learner's connections, newest first, whatever their status. */
  listForLearner(learnerRef: string): Promise<WalletConnectionEntity[]> {
    return this.ctx.run((m) =>
      m.find(WalletConnectionEntity, { where: { learnerRef }, order: { connectedAt: 'DESC', id: 'ASC' } }),
    );
  }

  /** Delivery targets of a learner's active connections (a new CLR version goes to each). */
  async activeTargetIds(learnerRef: string): Promise<string[]> {
    const rows = await this.ctx.run((m) =>
      m.find(WalletConnectionEntity, { where: { learnerRef, status: 'active' }, select: { targetId: true } }),
    );
    return rows.map((row) => row.targetId);
  }

  /** The decrypted tokens of a connection (null once broken or disconnected). */
  tokens(connection: WalletConnectionEntity): { accessToken: string | null; refreshToken: string | null } {
    return {
      accessToken:
        connection.accessTokenEnc === null
          ? null
          : this.cipher.decrypt(connection.accessTokenEnc, accessContext(connection.id)),
      refreshToken:
        connection.refreshTokenEnc === null
          ? null
          : this.cipher.decrypt(connection.refreshTokenEnc, refreshContext(connection.id)),
    };
  }

  /**
   * Takes the right to spend the connection's refresh token for `leaseMs`: the lease's end for
   * one caller while it lasts, and only when the stored token is still the one the caller read
   * (`seenRefreshTokenEnc`, the column as read); null while another lease lives (a refresh is
   * under way), when the token was rotated meanwhile, and for a connection no longer active.
   * `saveTokens` (new tokens) and `releaseRefresh` (with the lease's end) end it. Refresh tokens
   * rotate: a second process sending the same one would be refused with `invalid_grant`.
   */
  async claimRefresh(id: string, seenRefreshTokenEnc: string, leaseMs: number): Promise<Date | null> {
    requireText(seenRefreshTokenEnc, 'seenRefreshTokenEnc', 100_000);
    if (!Number.isInteger(leaseMs) || leaseMs < 1) {
      throw new StoreError(
        'INVALID_ARGUMENT',
        `leaseMs must be a positive whole number, not ${String(leaseMs)}`,
      );
    }
    const now = this.ctx.now();
    const until = new Date(now.getTime() + leaseMs);
    const claim = { refreshClaimedUntil: until, updatedAt: now };
    const where = { id, status: 'active' as const, refreshTokenEnc: seenRefreshTokenEnc };
    return this.ctx.run(async (m) => {
      let result = await m.update(WalletConnectionEntity, { ...where, refreshClaimedUntil: IsNull() }, claim);
      if (result.affected !== 1) {
        result = await m.update(
          WalletConnectionEntity,
          { ...where, refreshClaimedUntil: LessThan(now) },
          claim,
        );
      }
      return result.affected === 1 ? until : null;
    });
  }

  /**
   * Ends a lease without new tokens (the refresh failed and may be tried again): only the lease
   * that ends at `lease` (what `claimRefresh` returned), never a later one. False when it is gone.
   */
  async releaseRefresh(id: string, lease: Date): Promise<boolean> {
    const result = await this.ctx.run((m) =>
      m.update(WalletConnectionEntity, { id, refreshClaimedUntil: lease }, { refreshClaimedUntil: null }),
    );
    return result.affected === 1;
  }

  /**
   * Keeps refreshed tokens (a rotated refresh token replaces the old one). Only an active
   * connection takes them: false when it was disconnected or broken meanwhile.
   */
  async saveTokens(id: string, tokens: WalletTokens): Promise<boolean> {
    const changes: Partial<WalletConnectionEntity> = {
      accessTokenEnc: this.cipher.encrypt(
        requireText(tokens.accessToken, 'accessToken', 100_000),
        accessContext(id),
      ),
      accessExpiresAt: tokens.accessExpiresAt,
      refreshClaimedUntil: null,
      updatedAt: this.ctx.now(),
    };
    if (tokens.refreshToken !== undefined) {
      changes.refreshTokenEnc =
        tokens.refreshToken === null ? null : this.cipher.encrypt(tokens.refreshToken, refreshContext(id));
    }
    const result = await this.ctx.run((m) =>
      m.update(WalletConnectionEntity, { id, status: 'active' }, changes),
    );
    return result.affected === 1;
  }

  /** The wallet refused the grant: tokens deleted, deliveries stop. False for an unknown id. */
  markBroken(id: string, reason: string): Promise<WalletConnectionEntity | null> {
    return this.close(id, 'broken', reason);
  }

  /** Deletes the tokens and stops deliveries. Null for an unknown id. */
  disconnect(id: string, reason: string): Promise<WalletConnectionEntity | null> {
    return this.close(id, 'disconnected', reason);
  }

  private close(
    id: string,
    status: 'broken' | 'disconnected',
    reason: string,
  ): Promise<WalletConnectionEntity | null> {
    const statusReason = clip(optionalText(reason, 'reason', 100_000), 1000);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m: EntityManager) => {
      const row = await m.findOneBy(WalletConnectionEntity, { id });
      if (row === null) return null;
      // A disconnect overrides broken; a late "broken" does not undo a disconnect.
      if (row.status === 'disconnected' && status === 'broken') return row;
      const changes = {
        status,
        statusReason,
        accessTokenEnc: null,
        accessExpiresAt: null,
        refreshTokenEnc: null,
        refreshClaimedUntil: null,
        updatedAt: now,
      };
      await m.update(WalletConnectionEntity, { id }, changes);
      await m.update(DeliveryTargetEntity, { id: row.targetId }, { enabled: false, updatedAt: now });
      return { ...row, ...changes };
    });
  }
}

/** Host keys are lower case; a default port is not part of them. */
export function normalHost(host: string): string {
  return host.trim().toLowerCase();
}

function clientSecretContext(host: string): string {
  return `wallet-client:${host}:client-secret`;
}

function registrationContext(host: string): string {
  return `wallet-client:${host}:registration`;
}

function verifierContext(stateHash: string): string {
  return `wallet-authorization:${stateHash}:code-verifier`;
}

function accessContext(id: string): string {
  return `wallet-connection:${id}:access-token`;
}

function refreshContext(id: string): string {
  return `wallet-connection:${id}:refresh-token`;
}
