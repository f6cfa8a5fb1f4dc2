import { createHash, randomBytes } from 'node:crypto';
import { CLR_SCOPES } from '@app/clr';
import { type WalletsConfig } from '@app/config';
import {
  DeliveryError,
  type DeliveryQueue,
  type DynamicRegistrationClient,
  type ProviderDiscoveryClient,
  type WalletTokenClient,
  authorizationCodeRegistration,
} from '@app/delivery';
import { type ClrIdFactory } from '@app/mapping';
import { type PublisherStore, type WalletClientEntity, type WalletConnectionEntity } from '@app/store';
import { learnerRefOf } from '../build/learner-ref';
import { type PortalLinkVerifier } from './portal-link.verifier';
import { WalletFlowError } from './wallet-flow.error';

const OFFLINE_ACCESS = 'offline_access';

/** Who the publisher says it is when registering at a wallet. */
export interface WalletSoftware {
  clientUri: string;
  softwareId: string;
  softwareVersion: string;
}

/** What the callback did, for the learner's page. */
export interface WalletConnected {
  connection: WalletConnectionEntity;
  /** Whether the learner's latest CLR was queued for the wallet at once. */
  deliveryQueued: boolean;
}

/**
 * Connecting a learner's wallet with OAuth 2.0 authorization code + PKCE S256:
 * `begin` (portal link -> discovery -> client per wallet host -> state + verifier stored ->
 * the wallet's authorization URL), `complete` (state taken once -> code exchanged -> tokens
 * stored encrypted as the learner's connection -> their latest CLR queued for the wallet),
 * and disconnecting by a portal link.
 */
export class WalletConnectService {
  constructor(
    private readonly store: PublisherStore,
    private readonly ids: ClrIdFactory,
    private readonly config: WalletsConfig,
    private readonly links: PortalLinkVerifier,
    private readonly discovery: ProviderDiscoveryClient,
    private readonly registration: DynamicRegistrationClient,
    private readonly tokens: WalletTokenClient,
    private readonly queue: DeliveryQueue,
    private readonly software: WalletSoftware,
  ) {}

  /** @returns the wallet's authorization URL to redirect the learner to. */
  async begin(linkToken: unknown): Promise<string> {
    const link = await this.links.verify(linkToken);
    if (link.wallet === undefined) {
      throw new WalletFlowError(
        'link_invalid',
        `the link names no wallet (claim ${this.config.portal.walletClaim})`,
      );
    }
    let walletUrl: URL;
    try {
      walletUrl = new URL(link.wallet);
    } catch {
      throw new WalletFlowError('link_invalid', 'the wallet named by the link is not a URL');
    }
    const client = await this.clientFor(walletUrl);
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    await this.store.wallets.purgeExpiredAuthorizations();
    await this.store.wallets.createAuthorization({
      stateHash: hashState(state),
      learnerRef: learnerRefOf(this.ids, link.learnerId),
      walletHost: client.host,
      codeVerifier: verifier,
      expiresAt: new Date(Date.now() + this.config.stateTtlSeconds * 1000),
    });
    const offered = client.scopesOffered.split(' ');
    const scopes = [CLR_SCOPES.replace, ...(offered.includes(OFFLINE_ACCESS) ? [OFFLINE_ACCESS] : [])];
    const target = new URL(client.authorizationUrl);
    target.searchParams.set('response_type', 'code');
    target.searchParams.set('client_id', client.clientId);
    target.searchParams.set('redirect_uri', this.config.redirectUri);
    target.searchParams.set('scope', scopes.join(' '));
    target.searchParams.set('state', state);
    target.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    target.searchParams.set('code_challenge_method', 'S256');
    return target.toString();
  }

  /**
   * The wallet sent the learner back. The state is taken (deleted) first, whatever follows.
   * @throws WalletFlowError `state_invalid`, `consent_denied`, `code_rejected`, `wallet_unavailable`.
   */
  async complete(query: { code?: unknown; state?: unknown; error?: unknown }): Promise<WalletConnected> {
    if (typeof query.state !== 'string' || query.state === '' || query.state.length > 200) {
      throw new WalletFlowError('state_invalid', 'the answer from the wallet carries no state');
    }
    const taken = await this.store.wallets.takeAuthorization(hashState(query.state));
    if (taken.kind === 'unknown') {
      throw new WalletFlowError(
        'state_invalid',
        'this connection attempt is unknown or was already used; start again from the portal',
      );
    }
    if (taken.kind === 'expired') {
      throw new WalletFlowError(
        'state_invalid',
        'this connection attempt has expired; start again from the portal',
      );
    }
    if (query.error !== undefined) {
      const code =
        typeof query.error === 'string' && /^[\x20-\x7e]{1,64}$/.test(query.error) ? query.error : 'error';
      throw new WalletFlowError(
        'consent_denied',
        code === 'access_denied'
          ? 'the wallet was not connected: consent was declined'
          : `the wallet was not connected: it answered ${code}`,
      );
    }
    if (typeof query.code !== 'string' || query.code === '') {
      throw new WalletFlowError('code_rejected', 'the wallet sent no authorization code');
    }
    const client = await this.store.wallets.clientFor(taken.walletHost);
    const secret = client === null ? null : this.store.wallets.clientSecret(client);
    if (client === null || secret === null) {
      throw new WalletFlowError('wallet_unavailable', 'the publisher has no client at this wallet any more');
    }
    let answer;
    try {
      answer = await this.tokens.exchangeCode(
        { tokenUrl: client.tokenUrl, clientId: client.clientId, clientSecret: secret },
        { code: query.code, redirectUri: this.config.redirectUri, codeVerifier: taken.codeVerifier },
      );
    } catch (error) {
      if (error instanceof DeliveryError && !error.retryable) {
        throw new WalletFlowError(
          'code_rejected',
          `the wallet refused the authorization (${error.details.oauthError ?? error.code})`,
        );
      }
      if (error instanceof DeliveryError)
        throw new WalletFlowError('wallet_unavailable', 'the wallet could not be reached');
      throw error;
    }
    const connection = await this.store.wallets.connect({
      learnerRef: taken.learnerRef,
      walletHost: client.host,
      baseUrl: client.baseUrl,
      scopes: answer.scopes?.filter((scope) => scope !== OFFLINE_ACCESS) ?? [CLR_SCOPES.replace],
      accessToken: answer.accessToken,
      accessExpiresAt: answer.expiresIn === null ? null : new Date(Date.now() + answer.expiresIn * 1000),
      refreshToken: answer.refreshToken,
    });
    return { connection, deliveryQueued: await this.deliverLatest(connection) };
  }

  /**
   * A learner's disconnect link: names the learner and a connection id (or a wallet URL).
   * @throws WalletFlowError `link_invalid`, `connection_not_found`.
   */
  async disconnectByLink(linkToken: unknown): Promise<WalletConnectionEntity> {
    const link = await this.links.verify(linkToken);
    const learnerRef = learnerRefOf(this.ids, link.learnerId);
    const mine = await this.store.wallets.listForLearner(learnerRef);
    let host: string | undefined;
    if (link.wallet !== undefined) {
      try {
        host = new URL(link.wallet).host.toLowerCase();
      } catch {
        throw new WalletFlowError('link_invalid', 'the wallet named by the link is not a URL');
      }
    }
    const found = mine.find((row) =>
      link.connectionId !== undefined
        ? row.id === link.connectionId
        : host !== undefined && row.walletHost === host,
    );
    if (found === undefined)
      throw new WalletFlowError('connection_not_found', 'no such wallet connection for this learner');
    const closed = await this.store.wallets.disconnect(found.id, 'disconnected by the learner');
    await this.store.audit.append({ actor: 'learner', action: 'wallet.disconnect', subject: found.id });
    return closed ?? found;
  }

  /**
   * Queues the learner's latest CLR version for a fresh connection. A reconnected wallet (same
   * connection, same target) may already have a delivery of that version that died or was refused
   * while it was away (a revoked grant, a disconnect): that one is queued again.
   */
  private async deliverLatest(connection: WalletConnectionEntity): Promise<boolean> {
    const latest = await this.store.versions.latestVersion(connection.learnerRef);
    if (latest === null) return false;
    const created = await this.store.transaction(async (tx) => {
      await tx.deliveries.supersedeOlder(connection.learnerRef, connection.targetId, latest.version);
      return (await tx.deliveries.createDeliveries(latest.id, [connection.targetId])).created;
    });
    for (const deliveryId of created) await this.queue.enqueue(deliveryId, 0);
    if (created.length > 0) return true;
    const existing = (
      await this.store.deliveries.list({
        learnerRef: connection.learnerRef,
        targetId: connection.targetId,
        limit: 100,
      })
    ).find((row) => row.clrVersionId === latest.id);
    if (existing === undefined || !(await this.store.deliveries.requeue(existing.id))) return false;
    await this.queue.requeue(existing.id, existing.attempts);
    return true;
  }

  /** The publisher's client at the wallet's host, registering (RFC 7591) the first time. */
  private async clientFor(walletUrl: URL): Promise<WalletClientEntity> {
    const host = walletUrl.host.toLowerCase();
    const existing = await this.store.wallets.clientFor(host);
    if (existing !== null && existing.redirectUri === this.config.redirectUri) return existing;
    const baseUrl = walletUrl.toString().replace(/\/+$/, '');
    try {
      const document = await this.discovery.discover(baseUrl);
      const registered = await this.registration.register(
        document.registrationUrl,
        authorizationCodeRegistration(
          {
            clientName: this.config.clientName,
            clientUri: this.software.clientUri,
            softwareId: this.software.softwareId,
            softwareVersion: this.software.softwareVersion,
            logoUri: this.config.logoUri,
            tosUri: this.config.tosUri,
            policyUri: this.config.policyUri,
          },
          [this.config.redirectUri],
          [CLR_SCOPES.replace, ...(document.scopesOffered.includes(OFFLINE_ACCESS) ? [OFFLINE_ACCESS] : [])],
        ),
      );
      return await this.store.wallets.saveClient({
        host,
        baseUrl,
        authorizationUrl: document.authorizationUrl,
        tokenUrl: document.tokenUrl,
        scopesOffered: document.scopesOffered,
        clientId: registered.clientId,
        clientSecret: registered.clientSecret,
        redirectUri: this.config.redirectUri,
        registration: { ...registered },
      });
    } catch (error) {
      if (error instanceof DeliveryError) {
        throw new WalletFlowError('wallet_unavailable', `the wallet could not be set up (${error.code})`);
      }
      throw error;
    }
  }
}

/** The state is stored only as its SHA-256. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}
