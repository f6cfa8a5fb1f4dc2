/**
 * /admin/deliveries, /admin/targets and /admin/keys over real HTTP. Deliveries come from a real
 * run (the worker builds; nobody consumes the deliver queue, so they stay as the test puts
 * them); targets are added against the stand-in CLR provider's discovery document.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { QueueName } from '@app/jobs';
import { type RunningStandInProvider, startStandInProvider } from '@app/provider';
import { describeWithService } from '@app/testing';
import request from 'supertest';
import { AS_OPERATOR, AS_VIEWER, type AdminHarness, auditOf, startAdminHarness } from './admin-harness';

interface DeliveryBody {
  id: string;
  status: string;
  targetName: string;
  learnerRef: string;
  attempts: number;
}

describeWithService('redis', 'admin API: deliveries, targets and keys (e2e)', () => {
  let h: AdminHarness;
  let provider: RunningStandInProvider;
  let targetId: string;
  let deliveryIds: string[];

  /** Claims a pending delivery and lets it die, as a worker would after its last attempt. */
  const kill = async (id: string, status: 'dead' | 'rejected' = 'dead'): Promise<void> => {
    expect(await h.store.deliveries.claim(id)).not.toBeNull();
    const failure = {
      error: 'provider answered 500 eight times',
      httpStatus: 500,
      imsxBody: '{"imsx_codeMajor":"failure"}',
    };
    if (status === 'dead') expect(await h.store.deliveries.markDead(id, failure)).toBe(true);
    else expect(await h.store.deliveries.markRejected(id, { ...failure, httpStatus: 400 })).toBe(true);
  };
  const deliverJob = async (id: string, attempt: number) =>
    h.producer.queue(QueueName.Deliver).getJob(`deliver-${id}-${attempt}`);

  beforeAll(async () => {
    provider = await startStandInProvider({ verifySignatures: false });
    h = await startAdminHarness('deliveries');
    const { target } = await h.store.targets.upsert({
      name: 'wallet',
      baseUrl: provider.baseUrl,
      authMode: 'client_credentials',
      clientId: 'client',
      clientSecret: 'secret',
      scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      payloadForm: 'signedClr',
      concurrency: 1,
      ratePerSecond: 10,
      timeoutMs: 5000,
      enabled: true,
      origin: 'runtime',
    });
    targetId = target.id;
    await h.fullRun();
    deliveryIds = (await h.store.deliveries.list({ targetId, limit: 100 })).map((delivery) => delivery.id);
    expect(deliveryIds).toHaveLength(h.learnerIds.length);
  }, 90_000);

  afterAll(async () => {
    await h?.close();
    await provider?.close();
  });

  describe('deliveries', () => {
    it('lists by status, target and learner ref, paged; shows one with the provider body', async () => {
      await kill(deliveryIds[0]);
      const dead = await request(h.server).get('/admin/deliveries?status=dead').set(AS_VIEWER);
      expect(dead.status).toBe(200);
      expect((dead.body as { items: DeliveryBody[] }).items.map((d) => d.id)).toEqual([deliveryIds[0]]);
      const byTarget = await request(h.server)
        .get('/admin/deliveries?target=wallet&status=pending,dead&limit=3')
        .set(AS_VIEWER);
      expect(byTarget.body).toMatchObject({ limit: 3, offset: 0, next: 3 });
      expect((byTarget.body as { items: DeliveryBody[] }).items.every((d) => d.targetName === 'wallet')).toBe(
        true,
      );
      const { learnerRef } = (dead.body as { items: DeliveryBody[] }).items[0];
      const mine = await request(h.server).get(`/admin/deliveries?learnerRef=${learnerRef}`).set(AS_VIEWER);
      expect((mine.body as { items: DeliveryBody[] }).items.map((d) => d.id)).toEqual([deliveryIds[0]]);

      const one = await request(h.server).get(`/admin/deliveries/${deliveryIds[0]}`).set(AS_VIEWER);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: deliveryIds[0],
        status: 'dead',
        attempts: 1,
        lastHttpStatus: 500,
        lastError: 'provider answered 500 eight times',
        imsxBody: { imsx_codeMajor: 'failure' },
        targetName: 'wallet',
      });
    });

    it('refuses malformed filters (400 naming them) and unknown ids (404)', async () => {
      for (const [query, field] of [
        ['status=lost', 'status'],
        ['learnerRef=S-0001', 'learnerRef'],
        ['limit=1000', 'limit'],
      ]) {
        const res = await request(h.server).get(`/admin/deliveries?${query}`).set(AS_VIEWER);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body).toMatchObject({ error: { details: { field } } });
      }
      const target = await request(h.server).get('/admin/deliveries?target=nowhere').set(AS_VIEWER);
      expect(target.status).toBe(404);
      expect(target.body).toMatchObject({
        error: { code: 'target_not_found', details: { field: 'target' } },
      });
      for (const id of ['00000000-0000-0000-0000-000000000000', 'nope']) {
        const res = await request(h.server).get(`/admin/deliveries/${id}`).set(AS_VIEWER);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error: { code: 'delivery_not_found' } });
        expect((await request(h.server).post(`/admin/deliveries/${id}/retry`).set(AS_OPERATOR)).status).toBe(
          404,
        );
      }
      expect((await request(h.server).get('/admin/deliveries')).status).toBe(401);
    });

    it('retries a dead delivery: back to pending, queued under its next job id, audited', async () => {
      expect(
        (await request(h.server).post(`/admin/deliveries/${deliveryIds[0]}/retry`).set(AS_VIEWER)).status,
      ).toBe(403);
      expect((await request(h.server).post(`/admin/deliveries/${deliveryIds[0]}/retry`)).status).toBe(401);
      const res = await request(h.server).post(`/admin/deliveries/${deliveryIds[0]}/retry`).set(AS_OPERATOR);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id: deliveryIds[0], status: 'pending', attempts: 1 });
      expect(await h.store.deliveries.get(deliveryIds[0])).toMatchObject({ status: 'pending' });
      expect(await (await deliverJob(deliveryIds[0], 1))?.getState()).toBe('waiting');
      const [domain] = await auditOf(h.store, 'delivery.retry');
      expect(domain).toMatchObject({
        actor: 'otto-operator',
        subject: deliveryIds[0],
        details: { from: 'dead', target: 'wallet' },
      });
      const [call] = await auditOf(h.store, 'POST /admin/deliveries/:id/retry');
      expect(call).toMatchObject({ subject: deliveryIds[0], details: { outcome: 'ok' } });

      const again = await request(h.server)
        .post(`/admin/deliveries/${deliveryIds[0]}/retry`)
        .set(AS_OPERATOR);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'not_retryable', details: { status: 'pending' } } });
    });

    it('retries a rejected one too, but not while its target is disabled', async () => {
      await kill(deliveryIds[1], 'rejected');
      await h.store.targets.setEnabled('wallet', false);
      try {
        const refused = await request(h.server)
          .post(`/admin/deliveries/${deliveryIds[1]}/retry`)
          .set(AS_OPERATOR);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({
          error: { code: 'target_disabled', details: { target: 'wallet' } },
        });
        const all = await request(h.server)
          .post('/admin/deliveries/retry-dead')
          .set(AS_OPERATOR)
          .send({ target: 'wallet' });
        expect(all.status).toBe(409);
      } finally {
        await h.store.targets.setEnabled('wallet', true);
      }
      const res = await request(h.server).post(`/admin/deliveries/${deliveryIds[1]}/retry`).set(AS_OPERATOR);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'pending' });
    });

    it('retries every dead delivery (of a target), leaving other statuses alone', async () => {
      await kill(deliveryIds[2]);
      await kill(deliveryIds[3]);
      await kill(deliveryIds[4], 'rejected');
      const viewer = await request(h.server).post('/admin/deliveries/retry-dead').set(AS_VIEWER).send({});
      expect(viewer.status).toBe(403);
      const res = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ target: 'wallet' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ requeued: 2, target: 'wallet' });
      for (const id of [deliveryIds[2], deliveryIds[3]]) {
        expect(await h.store.deliveries.get(id)).toMatchObject({ status: 'pending' });
        expect(await deliverJob(id, 1)).toBeDefined();
      }
      expect(await h.store.deliveries.get(deliveryIds[4])).toMatchObject({ status: 'rejected' });
      const [domain] = await auditOf(h.store, 'delivery.retry-dead');
      expect(domain).toMatchObject({ subject: 'wallet', details: { requeued: 2 } });
      const none = await request(h.server).post('/admin/deliveries/retry-dead').set(AS_OPERATOR).send({});
      expect(none.body).toEqual({ requeued: 0, target: null });
      const unknown = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ target: 'nowhere' });
      expect(unknown.status).toBe(404);
      const malformed = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ target: 5 });
      expect(malformed.body).toMatchObject({ error: { details: { field: 'target' } } });
      // The refused call is in the audit log too, without a subject (the body's is no string).
      const refused = (await auditOf(h.store, 'POST /admin/deliveries/retry-dead')).find(
        (entry) => entry.details.requestId === malformed.headers['x-request-id'],
      );
      expect(refused).toMatchObject({ subject: null, details: { outcome: 'failed', status: 400 } });
    });

    it('refuses a field the request does not take, naming it, instead of retrying every target', async () => {
      await kill(deliveryIds[2]);
      const typo = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ targte: 'wallet' });
      expect(typo.status).toBe(400);
      expect(typo.body).toMatchObject({
        error: {
          code: 'invalid_request',
          message: 'targte is not a field of this request (it takes target)',
          details: { field: 'targte' },
        },
      });
      expect(await h.store.deliveries.get(deliveryIds[2])).toMatchObject({ status: 'dead' });
      const run = await request(h.server)
        .post('/admin/runs')
        .set(AS_OPERATOR)
        .send({ mode: 'full', froce: true });
      expect(run.body).toMatchObject({ error: { details: { field: 'froce' } } });
      const odd = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ 'S0000001 Emma': 'x' });
      expect(odd.body).toMatchObject({ error: { details: { field: 'body' } } });
      expect(odd.text).not.toContain('Emma');
      // Free text in a field, or as a path id: not echoed, and not kept as the audit subject.
      const pasted = await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ target: 'S0000001 Emma Wisniewski' });
      expect(pasted.status).toBe(404);
      expect(pasted.text).not.toContain('Emma');
      const email = await request(h.server)
        .post('/admin/assertions/emma.wisniewski1@students.example/revoke')
        .set(AS_OPERATOR)
        .send({ reason: 'pasted in the wrong place' });
      expect(email.status).toBe(400);
      for (const [action, response] of [
        ['POST /admin/deliveries/retry-dead', pasted],
        ['POST /admin/assertions/:assertion/revoke', email],
      ] as const) {
        const entry = (await auditOf(h.store, action)).find(
          (row) => row.details.requestId === response.headers['x-request-id'],
        );
        expect(entry).toMatchObject({ subject: null, details: { outcome: 'failed' } });
      }
      // Back as the test before left it.
      await request(h.server)
        .post('/admin/deliveries/retry-dead')
        .set(AS_OPERATOR)
        .send({ target: 'wallet' });
      expect(await h.store.deliveries.get(deliveryIds[2])).toMatchObject({ status: 'pending' });
    });
  });

  describe('targets', () => {
    it('lists targets with origin and deliveries per status', async () => {
      const res = await request(h.server).get('/admin/targets').set(AS_VIEWER);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          name: 'wallet',
          origin: 'runtime',
          enabled: true,
          hasClient: true,
          deliveries: expect.objectContaining({ pending: expect.any(Number), rejected: 1 }),
        }),
      ]);
      expect((await request(h.server).get('/admin/targets')).status).toBe(401);
    });

    it('adds a target by discovery URL: registered, enabled, runtime, audited', async () => {
      const clients = provider.state.clients.size;
      const body = { name: 'campus-lrw', discoveryUrl: provider.endpoints.discoveryUrl, timeoutMs: 5000 };
      expect((await request(h.server).post('/admin/targets').set(AS_VIEWER).send(body)).status).toBe(403);
      expect((await request(h.server).post('/admin/targets').send(body)).status).toBe(401);
      const res = await request(h.server).post('/admin/targets').set(AS_OPERATOR).send(body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'campus-lrw',
        origin: 'runtime',
        enabled: true,
        authMode: 'dynamic_registration',
        baseUrl: provider.baseUrl,
        hasClient: true,
        scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      });
      expect(provider.state.clients.size).toBe(clients + 1);
      const [domain] = await auditOf(h.store, 'target.add');
      expect(domain).toMatchObject({ subject: 'campus-lrw', details: { via: 'api' } });
      expect(JSON.stringify(await h.store.audit.list({ limit: 1000 }))).not.toMatch(
        /client_secret|clientSecret/,
      );

      const duplicate = await request(h.server).post('/admin/targets').set(AS_OPERATOR).send(body);
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ error: { code: 'target_exists', details: { field: 'name' } } });
    });

    it('refuses bad input with 400 naming the field, and a failing provider with 422 and the reason', async () => {
      const discovery = provider.endpoints.discoveryUrl;
      const cases: [object, number, string, string][] = [
        [{ discoveryUrl: discovery }, 400, 'invalid_request', 'name'],
        [{ name: 'has space', discoveryUrl: discovery }, 400, 'invalid_request', 'name'],
        [{ name: 'n1' }, 400, 'invalid_request', 'discoveryUrl'],
        [{ name: 'n1', discoveryUrl: 'not a url' }, 400, 'invalid_request', 'discoveryUrl'],
        [
          { name: 'n1', discoveryUrl: 'http://lrw.example.org/ims/clr/v1p0/discovery' },
          400,
          'invalid_request',
          'discoveryUrl',
        ],
        [{ name: 'n1', discoveryUrl: `${provider.baseUrl}/oauth/token` }, 400, 'invalid_request', 'baseUrl'],
        [{ name: 'n1', discoveryUrl: discovery, payload: 'xml' }, 400, 'invalid_request', 'payload'],
        [{ name: 'n1', discoveryUrl: discovery, concurrency: 0 }, 400, 'invalid_request', 'concurrency'],
        [{ name: 'n1', discoveryUrl: discovery, timeoutMs: 600_000 }, 400, 'invalid_request', 'timeoutMs'],
        [{ name: 'n1', discoveryUrl: discovery, scopes: [] }, 400, 'invalid_request', 'scopes'],
        [
          { name: 'n1', discoveryUrl: `${provider.baseUrl}/_provider/stats`, baseUrl: provider.baseUrl },
          422,
          'discovery_failed',
          'discoveryUrl',
        ],
      ];
      for (const [body, status, code, field] of cases) {
        const res = await request(h.server).post('/admin/targets').set(AS_OPERATOR).send(body);
        expect({
          body,
          status: res.status,
          code: (res.body as { error: { code: string } }).error.code,
        }).toEqual({
          body,
          status,
          code,
        });
        expect(res.body).toMatchObject({ error: { details: { field } } });
      }
      // A provider that does not answer at all.
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((done) => closed.close(() => done()));
      const down = await request(h.server)
        .post('/admin/targets')
        .set(AS_OPERATOR)
        .send({ name: 'n1', discoveryUrl: `http://127.0.0.1:${port}/ims/clr/v1p0/discovery` });
      expect(down.status).toBe(422);
      expect(down.body).toMatchObject({
        error: { code: 'provider_unavailable', details: { reason: 'unreachable' } },
      });
      expect(await h.store.targets.getByName('n1')).toBeNull();
    });

    it('disables and enables a target by name; 404 for an unknown one', async () => {
      expect((await request(h.server).post('/admin/targets/campus-lrw/disable').set(AS_VIEWER)).status).toBe(
        403,
      );
      const off = await request(h.server).post('/admin/targets/campus-lrw/disable').set(AS_OPERATOR);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ name: 'campus-lrw', enabled: false });
      expect((await h.store.targets.getByName('campus-lrw'))?.enabled).toBe(false);
      const on = await request(h.server).post('/admin/targets/campus-lrw/enable').set(AS_OPERATOR);
      expect(on.body).toMatchObject({ enabled: true });
      const audit = await auditOf(h.store, 'target.disable');
      expect(audit[0]).toMatchObject({
        subject: 'campus-lrw',
        details: { origin: 'runtime', was: 'enabled' },
      });
      const unknown = await request(h.server).post('/admin/targets/nowhere/enable').set(AS_OPERATOR);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: 'target_not_found', details: { field: 'name' } } });
    });
  });

  describe('keys', () => {
    it('lists the keys and rotates (operator only), audited', async () => {
      const before = await request(h.server).get('/admin/keys').set(AS_VIEWER);
      expect(before.status).toBe(200);
      const [active] = before.body as { kid: string; status: string; keyUrls: string[] }[];
      expect(active).toMatchObject({
        status: 'active',
        keyUrls: expect.arrayContaining([expect.stringContaining(active.kid)]),
      });
      expect((await request(h.server).post('/admin/keys/rotate').set(AS_VIEWER)).status).toBe(403);
      expect((await request(h.server).post('/admin/keys/rotate')).status).toBe(401);
      const rotated = await request(h.server).post('/admin/keys/rotate').set(AS_OPERATOR);
      expect(rotated.status).toBe(201);
      expect(rotated.body).toEqual({ kid: expect.any(String), retired: [active.kid] });
      const after = (await request(h.server).get('/admin/keys').set(AS_VIEWER)).body as {
        kid: string;
        status: string;
      }[];
      expect(after.map((key) => [key.kid, key.status])).toEqual([
        [(rotated.body as { kid: string }).kid, 'active'],
        [active.kid, 'retired'],
      ]);
      const [domain] = await auditOf(h.store, 'keys.rotate');
      expect(domain).toMatchObject({
        actor: 'otto-operator',
        subject: (rotated.body as { kid: string }).kid,
      });
      const [call] = await auditOf(h.store, 'POST /admin/keys/rotate');
      expect(call).toMatchObject({
        subject: (rotated.body as { kid: string }).kid,
        details: { outcome: 'ok' },
      });
    });
  });

  // Last: it adds wallet targets, which the target listings above do not expect.
  describe("learners' wallet connections", () => {
    it('retry-dead requeues a dead delivery to a connected wallet, not to a disconnected one', async () => {
      const delivered = (await h.store.deliveries.get(deliveryIds[5]))!;
      const connect = (walletHost: string) =>
        h.store.wallets.connect({
          learnerRef: delivered.learnerRef,
          walletHost,
          baseUrl: `https://${walletHost}`,
          scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
          accessToken: 'access',
          accessExpiresAt: new Date(Date.now() + 3_600_000),
        });
      const connected = await connect('wallet-a.example.org');
      const disconnected = await connect('wallet-b.example.org');
      const { created } = await h.store.deliveries.createDeliveries(delivered.clrVersionId, [
        connected.targetId,
        disconnected.targetId,
      ]);
      const [toConnected, toDisconnected] = await Promise.all(
        [connected.targetId, disconnected.targetId].map(
          async (walletTargetId) =>
            (await h.store.deliveries.list({ targetId: walletTargetId, limit: 10 }))[0].id,
        ),
      );
      expect(new Set(created)).toEqual(new Set([toConnected, toDisconnected]));
      await kill(toConnected);
      await kill(toDisconnected);
      await h.store.wallets.disconnect(disconnected.id, 'the learner disconnected the wallet');

      const res = await request(h.server).post('/admin/deliveries/retry-dead').set(AS_OPERATOR).send({});
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ requeued: 1, target: null });
      expect(await h.store.deliveries.get(toConnected)).toMatchObject({ status: 'pending' });
      expect(await deliverJob(toConnected, 1)).toBeDefined();
      expect(await h.store.deliveries.get(toDisconnected)).toMatchObject({ status: 'dead' });
    });
  });
});
