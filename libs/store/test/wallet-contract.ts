import { type PublisherStore, StoreError } from '../src';
import { unique } from './store-harness';

/** Stores `access-<n>` and a rotated `refresh-<n>` for a connection, as a refresh would. */
function rotateTokens(store: PublisherStore, id: string, n: number): Promise<boolean> {
  return store.wallets.saveTokens(id, {
    accessToken: `access-${n}`,
    accessExpiresAt: null,
    refreshToken: `refresh-${n}`,
  });
}

/** Learner wallets in the store: clients per host, single-use authorizations, connections. */
export function walletContract(getStore: () => PublisherStore): void {
  describe('learner wallets', () => {
    const scopes = ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'];

    it('keeps one client per wallet host with the secret and registration encrypted', async () => {
      const store = getStore();
      const host = `${unique('wallet')}.example.org`;
      const saved = await store.wallets.saveClient({
        host: host.toUpperCase(),
        baseUrl: `https://${host}`,
        authorizationUrl: `https://${host}/oauth/authorize`,
        tokenUrl: `https://${host}/oauth/token`,
        scopesOffered: scopes,
        clientId: 'wallet-client-1',
        clientSecret: 'wallet-s3cret',
        redirectUri: 'https://clr.example.edu/wallets/callback',
        registration: { client_id: 'wallet-client-1', client_secret: 'wallet-s3cret' },
      });
      expect(saved.host).toBe(host);
      const found = await store.wallets.clientFor(host);
      expect(found?.clientSecretEnc).not.toContain('wallet-s3cret');
      expect(found?.registrationEnc).not.toContain('wallet-s3cret');
      expect(store.wallets.clientSecret(found!)).toBe('wallet-s3cret');
      await store.wallets.saveClient({
        ...saved,
        scopesOffered: scopes,
        clientId: 'wallet-client-2',
        clientSecret: null,
        registration: {},
      });
      const replaced = await store.wallets.clientFor(host);
      expect(replaced?.clientId).toBe('wallet-client-2');
      expect(store.wallets.clientSecret(replaced!)).toBeNull();
      expect(await store.wallets.clientFor('nowhere.example.org')).toBeNull();
    });

    it('hands a pending authorization out once, and never after it expired', async () => {
      const store = getStore();
      const live = unique('state').padEnd(64, '0').slice(0, 64);
      const late = unique('late').padEnd(64, '1').slice(0, 64);
      await store.wallets.createAuthorization({
        stateHash: live,
        learnerRef: 'ref-1',
        walletHost: 'Wallet.Example.org',
        codeVerifier: 'verifier-abc',
        expiresAt: new Date(Date.now() + 60_000),
      });
      await store.wallets.createAuthorization({
        stateHash: late,
        learnerRef: 'ref-1',
        walletHost: 'wallet.example.org',
        codeVerifier: 'verifier-late',
        expiresAt: new Date(Date.now() - 1_000),
      });
      const [first, second] = await Promise.all([
        store.wallets.takeAuthorization(live),
        store.wallets.takeAuthorization(live),
      ]);
      const kinds = [first, second].map((taken) => taken.kind).sort();
      expect(kinds).toEqual(['found', 'unknown']);
      expect([first, second].find((taken) => taken.kind === 'found')).toEqual({
        kind: 'found',
        learnerRef: 'ref-1',
        walletHost: 'wallet.example.org',
        codeVerifier: 'verifier-abc',
      });
      expect(await store.wallets.takeAuthorization(late)).toEqual({ kind: 'expired' });
      expect(await store.wallets.takeAuthorization(late)).toEqual({ kind: 'unknown' });
    });

    it('connects a learner with encrypted tokens and a wallet target left out of the institution targets', async () => {
      const store = getStore();
      const learnerRef = unique('learner');
      const connection = await store.wallets.connect({
        learnerRef,
        walletHost: 'wallet-a.example.org',
        baseUrl: 'https://wallet-a.example.org',
        scopes,
        accessToken: 'access-1',
        accessExpiresAt: new Date(Date.now() + 60_000),
        refreshToken: 'refresh-1',
      });
      expect(connection.status).toBe('active');
      expect(connection.accessTokenEnc).not.toContain('access-1');
      expect(connection.refreshTokenEnc).not.toContain('refresh-1');
      expect(store.wallets.tokens(connection)).toEqual({
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
      });
      const target = await store.targets.get(connection.targetId);
      expect(target).toMatchObject({ origin: 'wallet', authMode: 'wallet', enabled: true });
      expect((await store.targets.list({ enabled: true })).map((row) => row.id)).not.toContain(target!.id);
      expect((await store.targets.list({ enabled: true, wallets: true })).map((row) => row.id)).toContain(
        target!.id,
      );
      expect(await store.wallets.activeTargetIds(learnerRef)).toEqual([connection.targetId]);
      expect(await store.wallets.byTarget(connection.targetId)).toMatchObject({ id: connection.id });

      // Rotation: a new refresh token replaces the old; without one the old is kept.
      expect(await rotateTokens(store, connection.id, 2)).toBe(true);
      expect(
        await store.wallets.saveTokens(connection.id, { accessToken: 'access-3', accessExpiresAt: null }),
      ).toBe(true);
      expect(store.wallets.tokens((await store.wallets.get(connection.id))!)).toEqual({
        accessToken: 'access-3',
        refreshToken: 'refresh-2',
      });
    });

    it('breaks and disconnects: tokens deleted, target disabled, reconnecting reactivates the same connection', async () => {
      const store = getStore();
      const learnerRef = unique('learner');
      const input = {
        learnerRef,
        walletHost: 'wallet-b.example.org',
        baseUrl: 'https://wallet-b.example.org',
        scopes,
        accessToken: 'access-1',
        accessExpiresAt: null,
        refreshToken: 'refresh-1',
      };
      const connection = await store.wallets.connect(input);
      const broken = await store.wallets.markBroken(connection.id, 'the wallet answered invalid_grant');
      expect(broken).toMatchObject({
        status: 'broken',
        statusReason: 'the wallet answered invalid_grant',
        accessTokenEnc: null,
        refreshTokenEnc: null,
      });
      expect((await store.targets.get(connection.targetId))?.enabled).toBe(false);
      expect(await store.wallets.activeTargetIds(learnerRef)).toEqual([]);
      expect(
        await store.wallets.saveTokens(connection.id, { accessToken: 'late', accessExpiresAt: null }),
      ).toBe(false);

      const again = await store.wallets.connect({
        ...input,
        accessToken: 'access-9',
        refreshToken: 'refresh-9',
      });
      expect(again).toMatchObject({
        id: connection.id,
        targetId: connection.targetId,
        status: 'active',
        statusReason: null,
      });
      expect((await store.targets.get(connection.targetId))?.enabled).toBe(true);

      const gone = await store.wallets.disconnect(connection.id, 'disconnected by an operator');
      expect(gone?.status).toBe('disconnected');
      const stored = (await store.wallets.get(connection.id))!;
      expect(store.wallets.tokens(stored)).toEqual({ accessToken: null, refreshToken: null });
      expect((await store.wallets.markBroken(connection.id, 'late'))?.status).toBe('disconnected');
      expect((await store.wallets.listForLearner(learnerRef)).map((row) => row.status)).toEqual([
        'disconnected',
      ]);
      expect(await store.wallets.disconnect('00000000-0000-0000-0000-000000000000', 'x')).toBeNull();
    });

    it('leases the refresh token to one caller at a time, and only as it was read', async () => {
      const store = getStore();
      const connection = await store.wallets.connect({
        learnerRef: unique('learner'),
        walletHost: 'wallet-c.example.org',
        baseUrl: 'https://wallet-c.example.org',
        scopes,
        accessToken: 'access-1',
        accessExpiresAt: new Date(Date.now() - 1000),
        refreshToken: 'refresh-1',
      });
      expect(connection.refreshClaimedUntil).toBeNull();
      const seen = connection.refreshTokenEnc!;
      const claims = await Promise.all(
        [1, 2, 3].map(() => store.wallets.claimRefresh(connection.id, seen, 60_000)),
      );
      const leases = claims.filter((lease) => lease !== null);
      expect(leases).toHaveLength(1);
      const claimed = (await store.wallets.get(connection.id))!;
      expect(claimed.refreshClaimedUntil!.getTime()).toBe(leases[0].getTime());
      expect(claimed.refreshClaimedUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(store.wallets.tokens(claimed)).toEqual({ accessToken: 'access-1', refreshToken: 'refresh-1' });
      // A process reading the row now still finds the lease.
      expect(await store.wallets.claimRefresh(connection.id, claimed.refreshTokenEnc!, 60_000)).toBeNull();

      // Released by its holder only: a stale lease's end ends nothing.
      expect(await store.wallets.releaseRefresh(connection.id, new Date(leases[0].getTime() - 1))).toBe(
        false,
      );
      expect(await store.wallets.releaseRefresh(connection.id, leases[0])).toBe(true);
      expect((await store.wallets.get(connection.id))!.refreshClaimedUntil).toBeNull();
      // A short lease runs out by itself.
      const short = await store.wallets.claimRefresh(connection.id, seen, 1);
      expect(short).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const taken = await store.wallets.claimRefresh(connection.id, seen, 60_000);
      expect(taken).not.toBeNull();
      expect(await store.wallets.releaseRefresh(connection.id, short!)).toBe(false);

      // New tokens end the lease; the old token can no longer be claimed.
      expect(await rotateTokens(store, connection.id, 2)).toBe(true);
      const rotated = (await store.wallets.get(connection.id))!;
      expect(rotated.refreshClaimedUntil).toBeNull();
      expect(await store.wallets.claimRefresh(connection.id, seen, 60_000)).toBeNull();
      const last = await store.wallets.claimRefresh(connection.id, rotated.refreshTokenEnc!, 60_000);
      expect(last).not.toBeNull();

      await store.wallets.markBroken(connection.id, 'the wallet answered invalid_grant');
      expect((await store.wallets.get(connection.id))!.refreshClaimedUntil).toBeNull();
      expect(await store.wallets.claimRefresh(connection.id, rotated.refreshTokenEnc!, 60_000)).toBeNull();
      await expect(store.wallets.claimRefresh(connection.id, seen, 0)).rejects.toThrow(
        'leaseMs must be a positive whole number, not 0',
      );
    });

    it('refuses empty learner references and tokens by name', async () => {
      const store = getStore();
      const error: unknown = await store.wallets
        .connect({
          learnerRef: '',
          walletHost: 'w',
          baseUrl: 'https://w',
          scopes,
          accessToken: 'a',
          accessExpiresAt: null,
        })
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(/learnerRef/);
    });
  });
}
