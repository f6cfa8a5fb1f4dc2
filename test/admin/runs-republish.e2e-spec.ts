/**
 * /admin/runs and /admin/republish over real HTTP: the api from `createApiApp`, a worker building
 * runs on a demo SIS, SQLite store, real Redis under a unique prefix.
 */
import { type RunSummary } from '@app/publishing';
import { describeWithService } from '@app/testing';
import request from 'supertest';
import { AS_OPERATOR, AS_VIEWER, type AdminHarness, auditOf, startAdminHarness } from './admin-harness';

describeWithService('redis', 'admin API: runs and republish (e2e)', () => {
  let h: AdminHarness;
  let first: RunSummary;

  /** Makes a run of the second source active (as if a worker were busy with it). */
  const occupySecond = async (): Promise<{ id: string; release(): Promise<void> }> => {
    const run = await h.store.runs.create({ source: 'second', mode: 'full', trigger: 'cli' });
    await h.store.plans.create(run.id, null);
    await h.store.slots.acquire('second', run.id);
    return {
      id: run.id,
      release: async () => {
        await h.store.runs.finish(run.id, 'cancelled');
        await h.store.slots.release('second', run.id);
      },
    };
  };

  beforeAll(async () => {
    h = await startAdminHarness('runs', { second: true });
    first = await h.fullRun();
  }, 90_000);

  afterAll(() => h?.close());

  describe('POST /admin/runs', () => {
    it('starts a run: 202 with the queued run, requested by the actor, audited twice', async () => {
      expect(first).toMatchObject({
        status: 'succeeded',
        mode: 'full',
        trigger: 'operator',
        requestedBy: 'otto-operator',
      });
      const res = await request(h.server)
        .post('/admin/runs')
        .set(AS_OPERATOR)
        .send({ mode: 'incremental', force: true });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        source: 'demo',
        mode: 'incremental',
        trigger: 'operator',
        requestedBy: 'otto-operator',
        status: expect.stringMatching(/^(queued|running|succeeded)$/),
        counts: expect.objectContaining({ learnersSeen: expect.any(Number) }),
      });
      const runId = (res.body as { id: string }).id;
      expect(await h.waitForRun(runId)).toMatchObject({ status: 'succeeded' });
      expect((await h.store.plans.get(runId))?.request).toContain('"force":true');
      const [domain] = await auditOf(h.store, 'run.start');
      expect(domain).toMatchObject({
        actor: 'otto-operator',
        subject: runId,
        details: {
          source: 'demo',
          mode: 'incremental',
          force: true,
          via: 'api',
          requestId: res.headers['x-request-id'],
        },
      });
      const [call] = await auditOf(h.store, 'POST /admin/runs');
      expect(call).toMatchObject({
        actor: 'otto-operator',
        subject: runId,
        details: { outcome: 'ok', requestId: res.headers['x-request-id'] },
      });
    });

    it('refuses a second run of a busy source with 409 naming the active run', async () => {
      const busy = await occupySecond();
      try {
        const res = await request(h.server)
          .post('/admin/runs')
          .set(AS_OPERATOR)
          .send({ source: 'second', mode: 'full' });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          error: {
            code: 'run_conflict',
            message: expect.stringContaining(busy.id),
            details: { source: 'second', activeRunId: busy.id },
          },
        });
        const [call] = await auditOf(h.store, 'POST /admin/runs');
        expect(call.details).toMatchObject({ outcome: 'failed', status: 409, errorCode: 'run_conflict' });
      } finally {
        await busy.release();
      }
    });

    it('names the bad field: 400 for mode, source or force, 422 for an unknown source', async () => {
      const cases: [object, number, string, string | undefined][] = [
        [{}, 400, 'mode must be one of full, incremental', 'mode'],
        [{ mode: 'republish' }, 400, 'mode must be one of full, incremental', 'mode'],
        [{ mode: 'full', force: 'yes' }, 400, 'force must be true or false', 'force'],
        [{ mode: 'full', source: '' }, 400, 'source must be the name of a configured SIS source', 'source'],
        [{ mode: 'full', source: 'nowhere' }, 422, 'no SIS source named "nowhere"', undefined],
      ];
      for (const [body, status, message, field] of cases) {
        const res = await request(h.server).post('/admin/runs').set(AS_OPERATOR).send(body);
        expect({ body, status: res.status }).toEqual({ body, status });
        expect((res.body as { error: { message: string } }).error.message).toContain(message);
        if (field !== undefined) expect(res.body).toMatchObject({ error: { details: { field } } });
      }
      const array = await request(h.server)
        .post('/admin/runs')
        .set(AS_OPERATOR)
        .send([{ mode: 'full' }]);
      expect(array.status).toBe(400);
      expect(array.body).toMatchObject({ error: { details: { field: 'body' } } });
    });

    it('needs a token (401) and the operator role (403)', async () => {
      const none = await request(h.server).post('/admin/runs').send({ mode: 'full' });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      const viewer = await request(h.server).post('/admin/runs').set(AS_VIEWER).send({ mode: 'full' });
      expect(viewer.status).toBe(403);
      expect(viewer.body).toMatchObject({ error: { code: 'forbidden', details: { required: 'operator' } } });
      expect(await h.store.runs.list({ source: 'demo', status: ['queued', 'running'] })).toEqual([]);
    });
  });

  describe('GET /admin/runs and /admin/runs/{id}', () => {
    it('lists runs newest first, filtered and paged', async () => {
      const page = await request(h.server)
        .get('/admin/runs?source=demo&status=succeeded&limit=1')
        .set(AS_VIEWER);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ limit: 1, offset: 0, next: 1 });
      const items = (page.body as { items: { source: string; status: string }[] }).items;
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ source: 'demo', status: 'succeeded' });
      const all = await request(h.server).get('/admin/runs?source=demo&limit=500').set(AS_VIEWER);
      const ids = (all.body as { items: { id: string }[] }).items.map((run) => run.id);
      expect(ids[ids.length - 1]).toBe(first.id);
      expect((all.body as { next: unknown }).next).toBeNull();
      const several = await request(h.server).get('/admin/runs?status=cancelled,failed').set(AS_VIEWER);
      expect(
        (several.body as { items: { status: string }[] }).items.every((run) => run.status !== 'succeeded'),
      ).toBe(true);
    });

    it('refuses malformed filters and paging, naming them', async () => {
      for (const [query, field] of [
        ['status=finished', 'status'],
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['offset=-1', 'offset'],
        ['limit=ten', 'limit'],
        ['status=queued&status=running', 'status'],
      ]) {
        const res = await request(h.server).get(`/admin/runs?${query}`).set(AS_VIEWER);
        expect({
          query,
          status: res.status,
          field: (res.body as { error?: { details?: { field?: string } } }).error?.details?.field,
        }).toEqual({
          query,
          status: 400,
          field,
        });
      }
    });

    it('shows a run with progress, counters and its problems a page at a time; 404 for an unknown id', async () => {
      // Learner ids the SIS does not have: each is reported as a problem, by ref.
      const res = await request(h.server)
        .post('/admin/republish')
        .set(AS_OPERATOR)
        .send({ learnerIds: ['NO-SUCH-1', 'NO-SUCH-2', 'NO-SUCH-3'] });
      expect(res.status).toBe(202);
      const runId = (res.body as { run: { id: string } }).run.id;
      expect(await h.waitForRun(runId)).toMatchObject({ counts: { learnersFailed: 3, problemCount: 3 } });
      const seen: string[] = [];
      let after: number | null = null;
      do {
        const page: request.Response = await request(h.server)
          .get(`/admin/runs/${runId}?problemsLimit=2${after === null ? '' : `&problemsAfter=${after}`}`)
          .set(AS_VIEWER);
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({
          id: runId,
          mode: 'republish',
          status: 'succeeded',
          batches: { total: 1 },
        });
        const problems: { items: { key: string; learnerRef: string }[]; next: number | null } = (
          page.body as { problems: { items: { key: string; learnerRef: string }[]; next: number | null } }
        ).problems;
        expect(problems.items.length).toBeLessThanOrEqual(2);
        seen.push(...problems.items.map((problem) => problem.learnerRef));
        after = problems.next;
      } while (after !== null);
      expect(seen).toHaveLength(3);
      expect(seen.every((ref) => /^[0-9a-f]{32}$/.test(ref))).toBe(true);
      const unknown = await request(h.server)
        .get('/admin/runs/00000000-0000-0000-0000-000000000000')
        .set(AS_VIEWER);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: { code: 'run_not_found' } });
      const badPaging = await request(h.server).get(`/admin/runs/${runId}?problemsAfter=x`).set(AS_VIEWER);
      expect(badPaging.body).toMatchObject({ error: { details: { field: 'problemsAfter' } } });
      expect((await request(h.server).get(`/admin/runs/${runId}`)).status).toBe(401);
    });
  });

  describe('POST /admin/runs/{id}/cancel and /resume', () => {
    it('cancels an active run with a reason, freeing its source: 200, then 409; 404 unknown; viewers 403', async () => {
      const busy = await occupySecond();
      const path = `/admin/runs/${busy.id}/cancel`;
      expect((await request(h.server).post(path).set(AS_VIEWER).send({})).status).toBe(403);
      const bad = await request(h.server).post(path).set(AS_OPERATOR).send({ reason: '' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: { details: { field: 'reason' } } });
      const res = await request(h.server).post(path).set(AS_OPERATOR).send({ reason: 'its jobs were lost' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: busy.id, status: 'cancelled', error: 'its jobs were lost' });
      expect(await h.store.slots.holder('second')).toBeNull();
      const [domain] = await auditOf(h.store, 'run.cancel');
      expect(domain).toMatchObject({ actor: 'otto-operator', subject: busy.id, details: { via: 'api' } });
      const again = await request(h.server).post(path).set(AS_OPERATOR).send({});
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'run_not_active' } });
      const unknown = await request(h.server)
        .post('/admin/runs/00000000-0000-0000-0000-000000000000/cancel')
        .set(AS_OPERATOR)
        .send({});
      expect(unknown.status).toBe(404);
    });

    it('resumes a run whose jobs were lost: its extraction is queued again and it finishes', async () => {
      const lost = await h.store.runs.create({ source: 'second', mode: 'full', trigger: 'cli' });
      await h.store.plans.create(lost.id, null);
      await h.store.slots.acquire('second', lost.id);
      const res = await request(h.server).post(`/admin/runs/${lost.id}/resume`).set(AS_OPERATOR);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ run: { id: lost.id }, extractQueued: true, batchesQueued: 0 });
      expect(await h.waitForRun(lost.id)).toMatchObject({ status: 'succeeded' });
      const [domain] = await auditOf(h.store, 'run.resume');
      expect(domain).toMatchObject({ subject: lost.id, details: { extractQueued: true, via: 'api' } });
      expect((await request(h.server).post(`/admin/runs/${lost.id}/resume`).set(AS_OPERATOR)).status).toBe(
        409,
      );
    });
  });

  describe('POST /admin/republish', () => {
    it('republishes a list of learners: forced run, 202, SIS ids neither audited nor logged', async () => {
      const learnerIds = h.learnerIds.slice(0, 2);
      const res = await request(h.server).post('/admin/republish').set(AS_OPERATOR).send({ learnerIds });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        scope: 'learnerIds',
        learners: 2,
        otherSources: 0,
        run: { mode: 'republish', source: 'demo', requestedBy: 'otto-operator' },
      });
      const runId = (res.body as { run: { id: string } }).run.id;
      const done = await h.waitForRun(runId);
      expect(done).toMatchObject({ status: 'succeeded', counts: { learnersSeen: 2, learnersBuilt: 2 } });
      const plan = await h.store.plans.get(runId);
      expect(JSON.parse(plan!.request!)).toEqual({ force: true, learnerIds });
      const [domain] = await auditOf(h.store, 'republish');
      expect(domain).toMatchObject({
        subject: runId,
        details: { scope: 'learnerIds', learners: 2, source: 'demo' },
      });
      const audit = JSON.stringify(await h.store.audit.list({ limit: 1000 }));
      for (const id of learnerIds) {
        expect(audit).not.toContain(id);
        expect(h.logs.text).not.toContain(id);
      }
    });

    it('republishes every holder of an achievement, by URL or last segment, and everyone', async () => {
      const [assertion] = await h.store.ledger.listForLearner(
        (await h.store.versions.listLearners({ limit: 1 }))[0].learnerRef,
        'active',
      );
      const holders = await h.store.ledger.learnersHolding(assertion.achievementId);
      for (const achievementId of [assertion.achievementId, assertion.achievementId.split('/').pop()]) {
        const res = await request(h.server).post('/admin/republish').set(AS_OPERATOR).send({ achievementId });
        expect(res.status).toBe(202);
        expect(res.body).toMatchObject({ scope: 'achievement', learners: holders.length });
        await h.waitForRun((res.body as { run: { id: string } }).run.id);
      }
      const [domain] = await auditOf(h.store, 'republish');
      expect(domain.details).toMatchObject({ scope: 'achievement', achievementId: assertion.achievementId });

      const all = await request(h.server).post('/admin/republish').set(AS_OPERATOR).send({ all: true });
      expect(all.status).toBe(202);
      expect(all.body).toMatchObject({ scope: 'all', learners: h.learnerIds.length });
      const done = await h.waitForRun((all.body as { run: { id: string } }).run.id);
      expect(done.counts.learnersBuilt).toBe(h.learnerIds.length);

      const refs = await request(h.server)
        .post('/admin/republish')
        .set(AS_OPERATOR)
        .send({ learnerRefs: [holders[0]] });
      expect(refs.body).toMatchObject({ scope: 'learnerRefs', learners: 1 });
      await h.waitForRun((refs.body as { run: { id: string } }).run.id);
    });

    it('names what is wrong: 400, 404, 422, and 409 when the source is busy', async () => {
      const cases: [object, number, string, string | undefined][] = [
        [{}, 400, 'invalid_request', 'learnerIds'],
        [{ learnerIds: ['a'], all: true }, 400, 'invalid_request', 'all'],
        [{ learnerIds: [] }, 400, 'invalid_request', 'learnerIds'],
        [{ learnerIds: ['ok', ''] }, 400, 'invalid_request', 'learnerIds[1]'],
        [{ learnerRefs: ['not-a-ref'] }, 400, 'invalid_request', 'learnerRefs[0]'],
        [{ all: 'yes' }, 400, 'invalid_request', 'all'],
        [{ achievementId: 'nonsense' }, 400, 'invalid_request', 'achievementId'],
        [{ achievementId: 'f'.repeat(32) }, 404, 'achievement_not_found', 'achievementId'],
        [{ learnerRefs: ['0'.repeat(32)] }, 404, 'learner_not_found', 'learnerRefs'],
        [{ all: true, source: 'second' }, 422, 'nothing_to_republish', undefined],
        [{ learnerIds: ['x'], source: 'nowhere' }, 422, 'unknown_source', undefined],
      ];
      for (const [body, status, code, field] of cases) {
        const res = await request(h.server).post('/admin/republish').set(AS_OPERATOR).send(body);
        expect({
          body,
          status: res.status,
          code: (res.body as { error: { code: string } }).error.code,
        }).toEqual({
          body,
          status,
          code,
        });
        if (field !== undefined) expect(res.body).toMatchObject({ error: { details: { field } } });
      }
      const busy = await occupySecond();
      try {
        const res = await request(h.server)
          .post('/admin/republish')
          .set(AS_OPERATOR)
          .send({ learnerIds: ['x'], source: 'second' });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          error: { code: 'run_conflict', details: { activeRunId: busy.id } },
        });
      } finally {
        await busy.release();
      }
      expect((await request(h.server).post('/admin/republish').send({ all: true })).status).toBe(401);
      expect(
        (await request(h.server).post('/admin/republish').set(AS_VIEWER).send({ all: true })).status,
      ).toBe(403);
    });

    it('leaves out learners another source last published, and says so', async () => {
      const [theirs, ours] = h.learnerIds.slice(2, 4);
      // A republish run of source "second" (same SIS file) makes it the source that last
      // published `theirs`.
      const moved = await h.runs.trigger({
        source: 'second',
        mode: 'republish',
        trigger: 'cli',
        requestedBy: 'spec',
        learnerIds: [theirs],
        force: true,
      });
      expect(await h.waitForRun(moved.id)).toMatchObject({
        status: 'succeeded',
        counts: { learnersBuilt: 1 },
      });

      const both = await request(h.server)
        .post('/admin/republish')
        .set(AS_OPERATOR)
        .send({ learnerIds: [theirs, ours] });
      expect(both.status).toBe(202);
      expect(both.body).toMatchObject({ learners: 1, otherSources: 1, run: { source: 'demo' } });
      const runId = (both.body as { run: { id: string } }).run.id;
      expect(await h.waitForRun(runId)).toMatchObject({ status: 'succeeded', counts: { learnersSeen: 1 } });
      expect(JSON.parse((await h.store.plans.get(runId))!.request!)).toEqual({
        force: true,
        learnerIds: [ours],
      });

      const onlyTheirs = await request(h.server)
        .post('/admin/republish')
        .set(AS_OPERATOR)
        .send({ learnerIds: [theirs] });
      expect(onlyTheirs.status).toBe(422);
      expect(JSON.stringify(onlyTheirs.body)).toContain('last published from another source');
      expect(JSON.stringify(onlyTheirs.body)).not.toContain(theirs);
    });
  });
});
