import { createHash, randomBytes } from 'node:crypto';
import { CLR_SCOPES } from '@app/clr';
import { type WalletConnectionEntity, type WalletRepository } from '@app/store';
import { type DeliveryServices, createDeliveryServices } from '../job/delivery-services.factory';
import { DeliveryTestBed, RecordingQueue, clrIdOf, testConfig } from '../job/delivery-job.test-kit';
import { authorizationCodeRegistration } from '../registration/client-registration';
import { DynamicRegistrationClient } from '../registration/dynamic-registration.client';
import { DeliveryError } from '../errors/delivery-error';
import { WalletTokenClient } from './wallet-token.client';
import { type RefreshWaitOptions, WalletTokenSource } from './wallet-token.source';

const REDIRECT = 'http://127.0.0.1:3999/wallets/callback';

let bed: DeliveryTestBed;
let services: DeliveryServices;
let queue: RecordingQueue;
let walletHost: string;
const tokenClient = new WalletTokenClient();

beforeAll(async () => {
  bed = await DeliveryTestBed.start();
  queue = new RecordingQueue();
  services = createDeliveryServices({ store: bed.store, config: testConfig([]), queue });
  walletHost = new URL(bed.provider.baseUrl).host;
  const registered = await new DynamicRegistrationClient().register(
    bed.provider.endpoints.registrationUrl,
    authorizationCodeRegistration(
      {
        clientName: 'Test publisher',
        clientUri: 'http://127.0.0.1:3999/',
        logoUri: 'http://127.0.0.1:3999/logo.png',
        tosUri: 'http://127.0.0.1:3999/tos',
        policyUri: 'http://127.0.0.1:3999/privacy',
        softwareId: 'clr-publisher',
        softwareVersion: 'test',
      },
      [REDIRECT],
    ),
  );
  await bed.store.wallets.saveClient({
    host: walletHost,
    baseUrl: bed.provider.baseUrl,
    authorizationUrl: bed.provider.endpoints.authorizationUrl,
    tokenUrl: bed.provider.endpoints.tokenUrl,
    scopesOffered: [CLR_SCOPES.replace],
    clientId: registered.clientId,
    clientSecret: registered.clientSecret,
    redirectUri: REDIRECT,
    registration: { client_id: registered.clientId },
  });
});
afterAll(async () => {
  services?.close();
  await bed?.close();
});

/** The learner consents at the stand-in wallet (auto-consent); the code is exchanged with PKCE. */
async function connect(learner: string): Promise<WalletConnectionEntity> {
  const client = (await bed.store.wallets.clientFor(walletHost))!;
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(client.authorizationUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    scope: CLR_SCOPES.replace,
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const answer = await fetch(url, { redirect: 'manual' });
  const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
  const tokens = await tokenClient.exchangeCode(
    {
      tokenUrl: client.tokenUrl,
      clientId: client.clientId,
      clientSecret: bed.store.wallets.clientSecret(client)!,
    },
    { code, redirectUri: REDIRECT, codeVerifier: verifier },
  );
  return bed.store.wallets.connect({
    learnerRef: `ref-${learner}`,
    walletHost,
    baseUrl: bed.provider.baseUrl,
    scopes: [CLR_SCOPES.replace],
    accessToken: tokens.accessToken,
    accessExpiresAt: tokens.expiresIn === null ? null : new Date(Date.now() + tokens.expiresIn * 1000),
    refreshToken: tokens.refreshToken,
  });
}

/** A connection whose stored access token has expired: the next use refreshes it. */
async function expiredConnection(learner: string): Promise<WalletConnectionEntity> {
  const connection = await connect(learner);
  const { accessToken } = bed.store.wallets.tokens(connection);
  await bed.store.wallets.saveTokens(connection.id, {
    accessToken: accessToken!,
    accessExpiresAt: new Date(Date.now() - 1000),
  });
  return (await bed.store.wallets.get(connection.id))!;
}

/** The token a worker process (its own WalletTokenSource) would post with. */
async function tokenOf(
  connection: WalletConnectionEntity,
  wait: RefreshWaitOptions = {},
  wallets: WalletRepository = bed.store.wallets,
  client: WalletTokenClient = tokenClient,
) {
  const auth = await new WalletTokenSource({ wallets }, client, undefined, {
    pollMs: 20,
    ...wait,
  }).prepare((await bed.store.targets.get(connection.targetId))!);
  if (auth.kind !== 'ready') throw new Error(auth.reason);
  return auth.tokens.getToken(auth.credentials);
}

async function deliverLatest(learner: string, connection: WalletConnectionEntity, name?: string) {
  const version = await bed.seedVersion(learner, name);
  const [delivery] = await bed.deliver(version, [connection.targetId]);
  return services.job.handle({ deliveryId: delivery.id });
}

describe('deliveries to a learner wallet', () => {
  it('posts with the learner token and redelivers a new version', async () => {
    const connection = await connect('w1');
    expect(await deliverLatest('w1', connection)).toMatchObject({
      kind: 'delivered',
      status: 201,
      target: 'wallet',
    });
    expect(await deliverLatest('w1', connection, 'Record, regraded')).toMatchObject({
      kind: 'delivered',
      status: 200,
    });
    expect(bed.provider.state.getClr(clrIdOf('w1'))?.clr.name).toBe('Record, regraded');
  });

  it('refreshes an expired access token and stores the rotated refresh token', async () => {
    const connection = await connect('w2');
    const before = bed.store.wallets.tokens(connection);
    // The stored access token has expired (as far as we know): the next delivery refreshes.
    await bed.store.wallets.saveTokens(connection.id, {
      accessToken: before.accessToken!,
      accessExpiresAt: new Date(Date.now() - 1000),
    });
    expect(await deliverLatest('w2', connection)).toMatchObject({ kind: 'delivered', status: 201 });
    const after = bed.store.wallets.tokens((await bed.store.wallets.get(connection.id))!);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.refreshToken).not.toBeNull();
  });

  it('refreshes once when the wallet answers 401 to a token it forgot', async () => {
    const connection = await connect('w3');
    bed.provider.state.tokens.clear();
    const outcome = await deliverLatest('w3', connection);
    expect(outcome).toMatchObject({ kind: 'delivered', tokenRefreshed: true });
  });

  it('marks the connection broken on invalid_grant and kills its deliveries with the reason', async () => {
    const connection = await connect('w4');
    bed.provider.state.authorization.revokeAll();
    const outcome = await deliverLatest('w4', connection);
    expect(outcome).toMatchObject({ kind: 'dead', reason: 'wallet_grant_revoked' });
    const stored = (await bed.store.wallets.get(connection.id))!;
    expect(stored.status).toBe('broken');
    expect(stored.statusReason).toMatch(/invalid_grant/);
    expect(bed.store.wallets.tokens(stored)).toEqual({ accessToken: null, refreshToken: null });
    expect(await bed.store.wallets.activeTargetIds('ref-w4')).toEqual([]);
    // Anything still queued for it dies as well.
    expect(await deliverLatest('w4', connection)).toMatchObject({ kind: 'dead', reason: 'target_disabled' });
  });

  it('lets one of two worker processes spend a rotating refresh token; both get its successor', async () => {
    const connection = await expiredConnection('w6');
    const before = bed.store.wallets.tokens(connection);
    const [first, second] = await Promise.all([tokenOf(connection), tokenOf(connection)]);
    expect(first.value).not.toBe(before.accessToken);
    expect(second.value).toBe(first.value);
    const stored = (await bed.store.wallets.get(connection.id))!;
    expect(stored.status).toBe('active');
    expect(bed.store.wallets.tokens(stored).accessToken).toBe(first.value);
    expect(bed.store.wallets.tokens(stored).refreshToken).not.toBe(before.refreshToken);
  });

  it('waits for a refresh under way elsewhere: fails the attempt retryably, takes over once it ends', async () => {
    const connection = await expiredConnection('w7');
    const before = bed.store.wallets.tokens(connection);
    // Another process claims the token this one read, just before this one tries.
    let otherLease: Date | null = null;
    const beaten = Object.create(bed.store.wallets) as WalletRepository;
    beaten.claimRefresh = async (id, seen, leaseMs) => {
      otherLease = await bed.store.wallets.claimRefresh(id, seen, 60_000);
      expect(otherLease).not.toBeNull();
      return bed.store.wallets.claimRefresh(id, seen, leaseMs);
    };
    const waited = tokenOf(connection, { waitMs: 100 }, beaten);
    await expect(waited).rejects.toBeInstanceOf(DeliveryError);
    await expect(waited).rejects.toMatchObject({ code: 'refresh_in_progress', retryable: true });
    const untouched = (await bed.store.wallets.get(connection.id))!;
    expect(untouched.status).toBe('active');
    expect(bed.store.wallets.tokens(untouched)).toEqual(before);

    // The next attempt finds the claim still running and waits; that refresh fails and ends it.
    const next = tokenOf(connection, { waitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await bed.store.wallets.releaseRefresh(connection.id, otherLease!)).toBe(true);
    const token = await next;
    expect(token.value).not.toBe(before.accessToken);
    const stored = (await bed.store.wallets.get(connection.id))!;
    expect(stored.status).toBe('active');
    expect(bed.store.wallets.tokens(stored).accessToken).toBe(token.value);
    expect(stored.refreshClaimedUntil).toBeNull();
  });

  it('ends its lease when the wallet fails the refresh, so the next attempt may refresh at once', async () => {
    const connection = await expiredConnection('w8');
    const failing = Object.create(tokenClient) as WalletTokenClient;
    failing.refresh = () =>
      Promise.reject(
        new DeliveryError('provider_unavailable', 'Token endpoint answered HTTP 503', { status: 503 }),
      );
    await expect(tokenOf(connection, {}, bed.store.wallets, failing)).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    const released = (await bed.store.wallets.get(connection.id))!;
    expect(released).toMatchObject({ status: 'active', refreshClaimedUntil: null });
    expect((await tokenOf(connection)).value).not.toBe(bed.store.wallets.tokens(connection).accessToken);
  });

  it('does not break the connection on invalid_grant for a token another process rotated meanwhile', async () => {
    const connection = await expiredConnection('w9');
    const late = Object.create(tokenClient) as WalletTokenClient;
    late.refresh = async () => {
      // Our lease ran out mid-request; another process refreshed and stored new tokens.
      await bed.store.wallets.saveTokens(connection.id, {
        accessToken: 'access-from-elsewhere',
        accessExpiresAt: new Date(Date.now() + 3_600_000),
        refreshToken: 'refresh-from-elsewhere',
      });
      throw new DeliveryError('token_rejected', 'Token refresh refused: HTTP 400 invalid_grant', {
        status: 400,
        oauthError: 'invalid_grant',
      });
    };
    await expect(tokenOf(connection, {}, bed.store.wallets, late)).rejects.toMatchObject({
      code: 'refresh_in_progress',
      retryable: true,
    });
    const stored = (await bed.store.wallets.get(connection.id))!;
    expect(stored.status).toBe('active');
    expect(bed.store.wallets.tokens(stored).accessToken).toBe('access-from-elsewhere');
  });

  it('stops after a disconnect: the pending delivery dies, nothing reaches the wallet', async () => {
    const connection = await connect('w5');
    const version = await bed.seedVersion('w5');
    const [delivery] = await bed.deliver(version, [connection.targetId]);
    await bed.store.wallets.disconnect(connection.id, 'disconnected by the learner');
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'dead',
      reason: 'target_disabled',
    });
    expect(bed.postsFor('w5')).toEqual([0, 0]);
  });
});
