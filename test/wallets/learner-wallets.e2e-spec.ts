/**
 * Learner wallets end to end over real HTTP: the api (createApiApp, listening on loopback) and a
 * worker on a generated demo SIS, a SQLite store and Redis; the stand-in provider as the wallet.
 * The browser's part is played by fetch with `redirect: 'manual'`: connect -> the wallet's
 * authorize endpoint -> our callback.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type AppConfig,
  adminSchema,
  loadConfig,
  sisSourceSchema,
  storeSchema,
  walletsSchema,
} from '@app/config';
import { QueueName, redisConnectionOptions } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { type RunningStandInProvider, startStandInProvider } from '@app/provider';
import { SyncRunService, learnerRefOf } from '@app/publishing';
import { generateDemoSis } from '@app/sis';
import { PublisherStore, type WalletConnectionEntity } from '@app/store';
import { describeWithService } from '@app/testing';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { createApiApp } from '../../apps/api/src';
import { type RunningWorker, startWorker } from '../../apps/worker/src';

const OPERATOR_TOKEN = `operator-${randomBytes(12).toString('hex')}`;
const AS_OPERATOR = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
const PORTAL = 'https://portal.test.example.edu';
const REDIRECT = 'http://127.0.0.1:3999/wallets/callback';

describeWithService(
  'redis',
  'learner wallets: authorization code + PKCE, deliveries to the wallet (e2e)',
  () => {
    let dir: string;
    let sisFile: string;
    let config: AppConfig;
    let api: NestExpressApplication;
    let apiUrl: string;
    let worker: RunningWorker;
    let wallet: RunningStandInProvider;
    let store: PublisherStore;
    let ids: ClrIdFactory;
    let learnerIds: string[];
    let sign: (
      claims: Record<string, unknown>,
      options?: { iat?: number; issuer?: string },
    ) => Promise<string>;
    let logs = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'clr-wallets-'));
      sisFile = join(dir, 'sis.sqlite');
      generateDemoSis({ learners: 5, out: sisFile, seed: 7, defects: false });
      const db = new Database(sisFile, { readonly: true });
      learnerIds = db
        .prepare('SELECT learner_id FROM clr_learners ORDER BY learner_id')
        .pluck()
        .all() as string[];
      db.close();
      wallet = await startStandInProvider({ port: 0, host: '127.0.0.1', verifySignatures: false });
      const keys = await generateKeyPair('ES256');
      sign = (claims, options = {}) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(options.issuer ?? PORTAL)
          .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
          .setExpirationTime('5m')
          .sign(keys.privateKey);
      const base = loadConfig({ path: 'config/default.yaml', env: {} });
      const prefix = `clrt-wallets-${process.pid}-${randomBytes(3).toString('hex')}`;
      config = {
        ...base,
        sis: {
          sources: [sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file: sisFile } })],
        },
        store: storeSchema.parse({ driver: 'sqlite', file: join(dir, 'publisher.sqlite') }),
        redis: { ...base.redis, prefix },
        logging: { ...base.logging, level: 'info' },
        delivery: {
          ...base.delivery,
          targets: [],
          retry: { ...base.delivery.retry, maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
        },
        admin: adminSchema.parse({
          tokens: [
            {
              name: 'otto-operator',
              role: 'operator',
              sha256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
            },
          ],
        }),
        wallets: walletsSchema.parse({
          portal: { issuer: PORTAL, publicKey: await exportSPKI(keys.publicKey), algorithms: ['ES256'] },
          redirectUri: REDIRECT,
          logoUri: 'http://127.0.0.1:3999/logo.png',
          tosUri: 'http://127.0.0.1:3999/tos',
          policyUri: 'http://127.0.0.1:3999/privacy',
          stateTtlSeconds: 30,
        }),
      };
      worker = await startWorker({ config, migrations: 'apply', logger: false });
      const { Writable } = await import('node:stream');
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs += chunk.toString('utf8');
          done();
        },
      });
      api = await createApiApp(config, { migrations: 'verify', schedules: false, logDestination: sink });
      await api.listen(0, '127.0.0.1');
      apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
      store = api.get(PublisherStore);
      ids = new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret);
      const run = await fetch(`${apiUrl}/admin/runs`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode: 'full' }),
      });
      expect(run.status).toBe(202);
      const summary = await api
        .get(SyncRunService)
        .waitForRun(((await run.json()) as { id: string }).id, { timeoutMs: 60_000, pollMs: 50 });
      expect(summary.status).toBe('succeeded');
    }, 120_000);

    afterAll(async () => {
      await api?.close();
      await worker?.close();
      await wallet?.close();
      for (const queueName of Object.values(QueueName)) {
        const queue = new Queue(queueName, {
          connection: redisConnectionOptions(config.redis.url),
          prefix: config.redis.prefix,
        });
        try {
          await queue.obliterate({ force: true });
        } finally {
          await queue.close();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const refOf = (learnerId: string): string => learnerRefOf(ids, learnerId);
    const clrIdOf = (learnerId: string): string => ids.clrId(learnerId);

    async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    /** connect -> authorize (302 with code) -> back at our callback: the callback's answer. */
    async function connectFlow(learnerId: string): Promise<{ callback: Response; authorizeLocation: URL }> {
      const token = await sign({ learner_id: learnerId, wallet: wallet.baseUrl });
      const start = await fetch(`${apiUrl}/wallets/connect?token=${encodeURIComponent(token)}`, {
        redirect: 'manual',
      });
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.get('location')!);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(wallet.endpoints.authorizationUrl);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('redirect_uri')).toBe(REDIRECT);
      expect(authorize.searchParams.get('response_type')).toBe('code');
      expect(authorize.toString()).not.toContain(learnerId);
      const consent = await fetch(authorize, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const back = new URL(consent.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      const callback = await fetch(`${apiUrl}/wallets/callback${back.search}`, { redirect: 'manual' });
      return { callback, authorizeLocation: back };
    }

    async function connectionOf(learnerId: string): Promise<WalletConnectionEntity | undefined> {
      return (await store.wallets.listForLearner(refOf(learnerId)))[0];
    }

    const accepted = (learnerId: string): number =>
      wallet.state.countsByClrId()[clrIdOf(learnerId)]?.accepted ?? 0;

    it('connects, delivers the latest CLR at once, and redelivers after a grade change', async () => {
      const learnerId = learnerIds[0];
      const { callback } = await connectFlow(learnerId);
      expect(callback.status).toBe(200);
      expect(await callback.text()).toContain('Wallet connected');
      const connection = (await connectionOf(learnerId))!;
      expect(connection).toMatchObject({ status: 'active', walletHost: new URL(wallet.baseUrl).host });
      expect(connection.refreshTokenEnc).not.toBeNull();
      await until('the first delivery', () => (accepted(learnerId) >= 1 ? true : undefined));
      expect(wallet.state.getClr(clrIdOf(learnerId))?.version).toBe(1);

      // A grade change: the next run builds a new version and delivers it to the wallet too.
      const db = new Database(sisFile);
      const row = db
        .prepare(
          "SELECT grade_id, grade FROM clr_course_grades WHERE learner_id = ? AND is_deleted = 0 AND status = 'Completed' LIMIT 1",
        )
        .get(learnerId) as { grade_id: string; grade: string };
      db.prepare('UPDATE clr_course_grades SET grade = ?, updated_at = ? WHERE grade_id = ?').run(
        row.grade === 'A' ? 'B' : 'A',
        new Date().toISOString().replace('T', ' ').slice(0, 19),
        row.grade_id,
      );
      db.close();
      const run = await fetch(`${apiUrl}/admin/runs`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode: 'full' }),
      });
      await api
        .get(SyncRunService)
        .waitForRun(((await run.json()) as { id: string }).id, { timeoutMs: 60_000, pollMs: 50 });
      await until('the redelivery', () => (accepted(learnerId) >= 2 ? true : undefined));
      expect(wallet.state.getClr(clrIdOf(learnerId))?.version).toBe(2);
      // Only that learner's CLR reaches the wallet.
      expect(Object.keys(wallet.state.countsByClrId())).toEqual([clrIdOf(learnerId)]);
    }, 90_000);

    it('refreshes an expired token (rotating the refresh token) and marks a revoked grant broken', async () => {
      const learnerId = learnerIds[1];
      await connectFlow(learnerId);
      const connection = (await connectionOf(learnerId))!;
      await until('the first delivery', () => (accepted(learnerId) >= 1 ? true : undefined));
      const before = store.wallets.tokens(connection);
      // The wallet forgets the access token: the next delivery refreshes and posts again.
      wallet.state.tokens.clear();
      const republish = await fetch(`${apiUrl}/admin/republish`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ learnerIds: [learnerId] }),
      });
      expect(republish.status).toBe(202);
      await until('the refreshed delivery', () => (accepted(learnerId) >= 2 ? true : undefined));
      const after = store.wallets.tokens((await store.wallets.get(connection.id))!);
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.refreshToken).not.toBe(before.refreshToken);

      // The learner revokes the grant at the wallet.
      wallet.state.authorization.revokeAll();
      const again = await fetch(`${apiUrl}/admin/republish`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ learnerIds: [learnerId] }),
      });
      expect(again.status).toBe(202);
      const broken = await until('the broken connection', async () => {
        const row = await store.wallets.get(connection.id);
        return row?.status === 'broken' ? row : undefined;
      });
      expect(broken.statusReason).toMatch(/invalid_grant/);
      expect(store.wallets.tokens(broken)).toEqual({ accessToken: null, refreshToken: null });
      const dead = await until('the dead delivery', async () => {
        const rows = await store.deliveries.list({ targetId: connection.targetId, status: 'dead', limit: 5 });
        return rows[0];
      });
      expect(dead.lastError).toMatch(/invalid_grant/);
      const listed = await fetch(`${apiUrl}/admin/learners/${refOf(learnerId)}/wallets`, {
        headers: AS_OPERATOR,
      });
      expect(listed.status).toBe(200);
      const views = (await listed.json()) as { status: string; statusReason: string }[];
      expect(views[0]).toMatchObject({ status: 'broken' });
      expect(JSON.stringify(views)).not.toMatch(/"accessToken|"refreshToken/);
    }, 90_000);

    it('disconnects (operator and learner link): tokens deleted, deliveries stop, audited', async () => {
      const learnerId = learnerIds[2];
      await connectFlow(learnerId);
      const connection = (await connectionOf(learnerId))!;
      await until('the first delivery', () => (accepted(learnerId) >= 1 ? true : undefined));
      const gone = await fetch(`${apiUrl}/admin/wallets/${connection.id}`, {
        method: 'DELETE',
        headers: AS_OPERATOR,
      });
      expect(gone.status).toBe(200);
      expect(((await gone.json()) as { status: string }).status).toBe('disconnected');
      const stored = (await store.wallets.get(connection.id))!;
      expect(store.wallets.tokens(stored)).toEqual({ accessToken: null, refreshToken: null });
      expect(
        (await store.audit.list({ action: 'wallet.disconnect' })).map((entry) => entry.subject),
      ).toContain(connection.id);
      expect(
        (await fetch(`${apiUrl}/admin/wallets/${connection.id}x`, { method: 'DELETE', headers: AS_OPERATOR }))
          .status,
      ).toBe(404);
      expect((await fetch(`${apiUrl}/admin/wallets/${connection.id}`, { method: 'DELETE' })).status).toBe(
        401,
      );

      const republish = await fetch(`${apiUrl}/admin/republish`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ learnerIds: [learnerId] }),
      });
      expect(republish.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(accepted(learnerId)).toBe(1);

      // Reconnect, then the learner's own signed disconnect link.
      await connectFlow(learnerId);
      expect((await connectionOf(learnerId))?.status).toBe('active');
      const link = await sign({ learner_id: learnerId, connection_id: connection.id });
      const page = await fetch(`${apiUrl}/wallets/disconnect?token=${encodeURIComponent(link)}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Wallet disconnected');
      expect((await connectionOf(learnerId))?.status).toBe('disconnected');
      const someoneElse = await sign({ learner_id: learnerIds[3], connection_id: connection.id });
      expect(
        (await fetch(`${apiUrl}/wallets/disconnect?token=${encodeURIComponent(someoneElse)}`)).status,
      ).toBe(404);
    }, 90_000);

    describe('refusals store nothing', () => {
      const learnerId = (): string => learnerIds[3];

      it('replayed state: 400 page, the second callback stores nothing', async () => {
        const { callback, authorizeLocation } = await connectFlow(learnerId());
        expect(callback.status).toBe(200);
        const id = (await connectionOf(learnerId()))!.id;
        await fetch(`${apiUrl}/admin/wallets/${id}`, { method: 'DELETE', headers: AS_OPERATOR });
        const replay = await fetch(`${apiUrl}/wallets/callback${authorizeLocation.search}`);
        expect(replay.status).toBe(400);
        expect(await replay.text()).toMatch(/unknown or was already used/);
        expect((await connectionOf(learnerId()))?.status).toBe('disconnected');
      });

      it('unknown and expired state: 400 page', async () => {
        const unknown = await fetch(
          `${apiUrl}/wallets/callback?code=x&state=${randomBytes(32).toString('base64url')}`,
        );
        expect(unknown.status).toBe(400);
        const state = randomBytes(32).toString('base64url');
        await store.wallets.createAuthorization({
          stateHash: createHash('sha256').update(state).digest('hex'),
          learnerRef: refOf('nobody'),
          walletHost: new URL(wallet.baseUrl).host,
          codeVerifier: 'v'.repeat(43),
          expiresAt: new Date(Date.now() - 1000),
        });
        const expired = await fetch(`${apiUrl}/wallets/callback?code=x&state=${state}`);
        expect(expired.status).toBe(400);
        expect(await expired.text()).toMatch(/expired/);
        expect(await store.wallets.listForLearner(refOf('nobody'))).toEqual([]);
      });

      it('denied consent: a clear page, nothing stored', async () => {
        // learnerIds[0] is connected: disconnect, then a denied reconnect must not revive it.
        const existing = (await connectionOf(learnerIds[0]))!;
        await store.wallets.disconnect(existing.id, 'test');
        wallet.state.authorization.denyNextConsents(1);
        const { callback } = await connectFlow(learnerIds[0]);
        expect(callback.status).toBe(400);
        expect(await callback.text()).toMatch(/consent was declined/);
        const after = (await connectionOf(learnerIds[0]))!;
        expect(after.status).toBe('disconnected');
        expect(store.wallets.tokens(after)).toEqual({ accessToken: null, refreshToken: null });
      });

      it('bad PKCE (a wrong code for the stored verifier): a clear page, nothing stored', async () => {
        const token = await sign({ learner_id: learnerIds[1], wallet: wallet.baseUrl });
        const start = await fetch(`${apiUrl}/wallets/connect?token=${encodeURIComponent(token)}`, {
          redirect: 'manual',
        });
        const authorize = new URL(start.headers.get('location')!);
        // Authorize with a different challenge: the code then fails the stored verifier.
        authorize.searchParams.set(
          'code_challenge',
          createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
        );
        const consent = await fetch(authorize, { redirect: 'manual' });
        const back = new URL(consent.headers.get('location')!);
        const callback = await fetch(`${apiUrl}/wallets/callback${back.search}`);
        expect(callback.status).toBe(400);
        expect(await callback.text()).toMatch(/invalid_grant/);
        // learnerIds[1]'s connection broke earlier; the refused code leaves it so, without tokens.
        const row = (await connectionOf(learnerIds[1]))!;
        expect(row.status).toBe('broken');
        expect(store.wallets.tokens(row)).toEqual({ accessToken: null, refreshToken: null });
      });

      it('forged, foreign-issuer and stale links: 400 page', async () => {
        const stale = await sign(
          { learner_id: learnerIds[0], wallet: wallet.baseUrl },
          { iat: Math.floor(Date.now() / 1000) - 3600 },
        );
        const foreign = await sign(
          { learner_id: learnerIds[0], wallet: wallet.baseUrl },
          { issuer: 'https://evil.example' },
        );
        for (const token of [stale, foreign, 'not-a-jwt']) {
          const res = await fetch(`${apiUrl}/wallets/connect?token=${encodeURIComponent(token)}`, {
            redirect: 'manual',
          });
          expect(res.status).toBe(400);
          expect(await res.text()).toMatch(/link is not valid/);
        }
      });
    });

    it('sends a reconnected wallet the version that died while its grant was revoked', async () => {
      const learnerId = learnerIds[4];
      await connectFlow(learnerId);
      const connection = (await connectionOf(learnerId))!;
      await until('the first delivery', () => (accepted(learnerId) >= 1 ? true : undefined));
      wallet.state.authorization.revokeAll();
      const republish = await fetch(`${apiUrl}/admin/republish`, {
        method: 'POST',
        headers: { ...AS_OPERATOR, 'Content-Type': 'application/json' },
        body: JSON.stringify({ learnerIds: [learnerId] }),
      });
      expect(republish.status).toBe(202);
      const dead = await until('the dead delivery', async () => {
        const rows = await store.deliveries.list({ targetId: connection.targetId, status: 'dead', limit: 5 });
        return rows[0];
      });
      // The learner connects the wallet again: the version that died meanwhile goes out now.
      const acceptedBefore = accepted(learnerId);
      await connectFlow(learnerId);
      expect((await connectionOf(learnerId))?.id).toBe(connection.id);
      await until('the redelivery', () => (accepted(learnerId) > acceptedBefore ? true : undefined));
      // The wallet has it; the worker records the answer just after.
      const settled = await until('the redelivery recorded', async () => {
        const row = await store.deliveries.get(dead.id);
        return row?.status === 'in_flight' ? undefined : row;
      });
      expect(settled).toMatchObject({ status: 'delivered' });
    }, 90_000);

    it('keeps learner ids and tokens out of the api logs', () => {
      expect(logs.length).toBeGreaterThan(0);
      for (const learnerId of learnerIds) expect(logs).not.toContain(learnerId);
      expect(logs).not.toMatch(/token=ey/);
    });
  },
);
