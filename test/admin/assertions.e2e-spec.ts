/**
 * /admin/assertions over real HTTP, with the public endpoints that show the effect: the
 * revocation list (`/ims/clr/v1p0/revocations/...`) and the hosted assertion (410 once revoked).
 */
import { type Clr } from '@app/clr';
import { RevocationListService } from '@app/publishing';
import { describeWithService } from '@app/testing';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src';
import { AS_OPERATOR, AS_VIEWER, type AdminHarness, auditOf, startAdminHarness } from './admin-harness';

interface ChangeBody {
  assertion: { assertionId: string; status: string; revokedBy: string | null; learnerRef: string };
  change: string;
  republish: { status: string; run?: { id: string; mode: string }; activeRunId?: string; hint?: string };
}

describeWithService('redis', 'admin API: revoke and reinstate assertions (e2e)', () => {
  let h: AdminHarness;
  let assertionId: string;
  let segment: string;
  let learnerRef: string;
  let listPath: string;

  const carried = async (): Promise<string[]> => {
    const latest = (await h.store.versions.latestVersion(learnerRef))!;
    return ((JSON.parse(latest.unsignedJson) as Clr).assertions ?? []).map((assertion) => assertion.id);
  };
  const revokedOnList = async (): Promise<string[]> => {
    const res = await request(h.server).get(listPath).set('Accept', 'application/ld+json');
    expect(res.status).toBe(200);
    return (JSON.parse(res.text) as { revokedAssertions?: string[] }).revokedAssertions ?? [];
  };
  const hosted = async (): Promise<number> =>
    (await request(h.server).get(`/ims/clr/v1p0/assertions/${segment}`).set('Accept', 'application/ld+json'))
      .status;

  beforeAll(async () => {
    h = await startAdminHarness('assertions');
    await h.fullRun();
    learnerRef = (await h.store.versions.listLearners({ limit: 1 }))[0].learnerRef;
    const [entry] = await h.store.ledger.listForLearner(learnerRef, 'active');
    assertionId = entry.assertionId;
    segment = assertionId.split('/').pop()!;
    const latest = (await h.store.versions.latestVersion(learnerRef))!;
    const issuer = (JSON.parse(latest.unsignedJson) as Clr).assertions!.find((a) => a.id === assertionId)!
      .achievement!.issuer.id;
    listPath = new URL(h.api.get(RevocationListService).listUrlOf(issuer)).pathname;
  }, 90_000);

  afterAll(() => h?.close());

  it('shows an assertion as the ledger has it (viewer), 404 for an unknown one, 400 for a malformed id', async () => {
    const res = await request(h.server).get(`/admin/assertions/${segment}`).set(AS_VIEWER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      assertionId,
      learnerRef,
      status: 'active',
      revokedBy: null,
      firstVersion: 1,
    });
    const byUrl = await request(h.server)
      .get(`/admin/assertions/${encodeURIComponent(assertionId)}`)
      .set(AS_VIEWER);
    expect(byUrl.body).toMatchObject({ assertionId });
    const unknown = await request(h.server)
      .get(`/admin/assertions/${'a'.repeat(32)}`)
      .set(AS_VIEWER);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error: { code: 'assertion_not_found', details: { field: 'assertion' } },
    });
    const malformed = await request(h.server).get('/admin/assertions/not-an-id').set(AS_VIEWER);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { details: { field: 'assertion' } } });
    expect((await request(h.server).get(`/admin/assertions/${segment}`)).status).toBe(401);
  });

  it('refuses a revoke without a reason (400 naming reason), from a viewer (403), without a token (401)', async () => {
    for (const body of [{}, { reason: '' }, { reason: 7 }, { reason: 'x'.repeat(501) }]) {
      const res = await request(h.server)
        .post(`/admin/assertions/${segment}/revoke`)
        .set(AS_OPERATOR)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_request', details: { field: 'reason' } } });
    }
    const viewer = await request(h.server)
      .post(`/admin/assertions/${segment}/revoke`)
      .set(AS_VIEWER)
      .send({ reason: 'x' });
    expect(viewer.status).toBe(403);
    expect(
      (await request(h.server).post(`/admin/assertions/${segment}/revoke`).send({ reason: 'x' })).status,
    ).toBe(401);
    const unknown = await request(h.server)
      .post(`/admin/assertions/${'b'.repeat(32)}/revoke`)
      .set(AS_OPERATOR)
      .send({ reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(await h.store.ledger.get(assertionId)).toMatchObject({ status: 'active' });
    expect(await hosted()).toBe(200);
  });

  it('revokes: on the public revocation list, hosted assertion 410, forced republish run that leaves it out', async () => {
    expect(await revokedOnList()).not.toContain(assertionId);
    const res = await request(h.server)
      .post(`/admin/assertions/${segment}/revoke`)
      .set(AS_OPERATOR)
      .send({ reason: 'issued in error' });
    expect(res.status).toBe(200);
    const body = res.body as ChangeBody;
    expect(body).toMatchObject({
      change: 'revoked',
      assertion: { assertionId, status: 'revoked', revokedBy: 'operator', learnerRef },
      republish: { status: 'queued', run: { mode: 'republish' } },
    });
    expect(await revokedOnList()).toContain(assertionId);
    expect(await hosted()).toBe(410);

    const runId = body.republish.run!.id;
    expect(JSON.parse((await h.store.plans.get(runId))!.request!)).toMatchObject({ force: true });
    expect(await h.waitForRun(runId)).toMatchObject({ status: 'succeeded', counts: { learnersBuilt: 1 } });
    expect(await carried()).not.toContain(assertionId);

    const [domain] = await auditOf(h.store, 'assertion.revoke');
    expect(domain).toMatchObject({
      actor: 'otto-operator',
      subject: assertionId,
      details: { reason: 'issued in error', change: 'revoked', republish: 'queued', runId, via: 'api' },
    });
    const [call] = await auditOf(h.store, 'POST /admin/assertions/:assertion/revoke');
    expect(call).toMatchObject({ subject: segment, details: { outcome: 'ok' } });

    // A later full build with the SIS row still there keeps it revoked and out of the CLR.
    await h.fullRun();
    expect(await carried()).not.toContain(assertionId);
    expect(await hosted()).toBe(410);
  });

  it('refuses to revoke it twice (409 already_revoked), recording the failed call', async () => {
    const res = await request(h.server)
      .post(`/admin/assertions/${segment}/revoke`)
      .set(AS_OPERATOR)
      .send({ reason: 'again' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: { code: 'already_revoked', message: expect.stringContaining(assertionId) },
    });
    const [call] = await auditOf(h.store, 'POST /admin/assertions/:assertion/revoke');
    expect(call.details).toMatchObject({ outcome: 'failed', status: 409, errorCode: 'already_revoked' });
  });

  it('reinstates: off the list, hosted again, and the republished CLR carries it', async () => {
    const res = await request(h.server)
      .post(`/admin/assertions/${encodeURIComponent(assertionId)}/reinstate`)
      .set(AS_OPERATOR)
      .send({ reason: 'reviewed' });
    expect(res.status).toBe(200);
    const body = res.body as ChangeBody;
    expect(body).toMatchObject({
      change: 'reinstated',
      assertion: { status: 'active', revokedBy: null },
      republish: { status: 'queued' },
    });
    expect(await revokedOnList()).not.toContain(assertionId);
    expect(await hosted()).toBe(200);
    await h.waitForRun(body.republish.run!.id);
    expect(await carried()).toContain(assertionId);
    const [domain] = await auditOf(h.store, 'assertion.reinstate');
    expect(domain).toMatchObject({
      subject: assertionId,
      details: { reason: 'reviewed', republish: 'queued' },
    });

    const again = await request(h.server)
      .post(`/admin/assertions/${segment}/reinstate`)
      .set(AS_OPERATOR)
      .send({ reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'not_revoked' } });
    const noReason = await request(h.server)
      .post(`/admin/assertions/${segment}/reinstate`)
      .set(AS_OPERATOR)
      .send({});
    expect(noReason.body).toMatchObject({ error: { details: { field: 'reason' } } });
    expect(
      (
        await request(h.server)
          .post(`/admin/assertions/${segment}/reinstate`)
          .set(AS_VIEWER)
          .send({ reason: 'x' })
      ).status,
    ).toBe(403);
  });

  it('still revokes while a run of the source is busy, and says the republish has to wait', async () => {
    const run = await h.store.runs.create({ source: 'demo', mode: 'full', trigger: 'cli' });
    await h.store.plans.create(run.id, null);
    await h.store.slots.acquire('demo', run.id);
    try {
      const res = await request(h.server)
        .post(`/admin/assertions/${segment}/revoke`)
        .set(AS_OPERATOR)
        .send({ reason: 'urgent' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        change: 'revoked',
        republish: {
          status: 'not-started',
          activeRunId: run.id,
          hint: expect.stringContaining(`--learner-ref ${learnerRef}`),
        },
      });
      expect(await revokedOnList()).toContain(assertionId);
      expect(await hosted()).toBe(410);
    } finally {
      await h.store.runs.finish(run.id, 'cancelled');
      await h.store.slots.release('demo', run.id);
    }
  });

  it('answers in bounded time while Redis is down: the revoke stands and is audited, a run is refused with 503', async () => {
    const [, other] = await h.store.ledger.listForLearner(learnerRef, 'active');
    const otherSegment = other.assertionId.split('/').pop()!;
    // The same store, Redis at an address where nothing listens: its client waits for ever.
    const offline = await createApiApp(
      { ...h.config, redis: { ...h.config.redis, url: 'redis://127.0.0.1:9' } },
      { migrations: 'verify', schedules: false, logDestination: h.logs },
    );
    try {
      const server = offline.getHttpServer();
      // Without a deadline both requests would wait for Redis past the test's timeout.
      const [revoke, run] = await Promise.all([
        request(server)
          .post(`/admin/assertions/${otherSegment}/revoke`)
          .set(AS_OPERATOR)
          .send({ reason: 'urgent' }),
        request(server).post('/admin/runs').set(AS_OPERATOR).send({ mode: 'full' }),
      ]);
      expect(revoke.status).toBe(200);
      expect(revoke.body).toMatchObject({
        change: 'revoked',
        republish: { status: 'not-started', reason: expect.stringMatching(/Redis did not answer/) },
      });
      expect(run.status).toBe(503);
      expect(await auditOf(h.store, 'assertion.revoke')).toContainEqual(
        expect.objectContaining({ subject: other.assertionId }),
      );
      expect(await h.store.runs.findActive('demo')).toBeNull();
    } finally {
      await offline.close();
    }
  }, 60_000);
});
