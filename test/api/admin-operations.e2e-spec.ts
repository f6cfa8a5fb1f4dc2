import { createHash } from 'node:crypto';
import request from 'supertest';
import { type App } from 'supertest/types';
import { describeWithService } from '@app/testing';
import { type ApiHarness, startApiHarness } from './api-harness';
import { TestOpsController, TestPublicController } from './test-ops.controller';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const OPERATOR = 'operator-token-5566778899aa';

describeWithService('redis', 'admin audit, errors and logs (e2e)', () => {
  let api: ApiHarness;
  let server: App;
  const auth = { Authorization: `Bearer ${OPERATOR}` };

  beforeAll(async () => {
    api = await startApiHarness({
      controllers: [TestOpsController, TestPublicController],
      admin: `  tokens: [{ name: night-ops, role: operator, sha256: ${sha256(OPERATOR)} }]`,
    });
    server = api.app.getHttpServer();
  });
  afterAll(() => api?.close());

  describe('the audit log', () => {
    it('records a changing call with actor, action, subject, outcome and request id', async () => {
      const res = await request(server)
        .post('/admin/test-ops/run-7/poke')
        .set(auth)
        .send({ note: 'Jane Doe' });
      expect(res.status).toBe(201);
      const [entry] = await api.store.audit.list({ action: 'test.poke' });
      expect(entry).toMatchObject({ actor: 'night-ops', action: 'test.poke', subject: 'run-7' });
      expect(JSON.parse(entry.details ?? '')).toEqual({
        outcome: 'ok',
        requestId: res.headers['x-request-id'],
      });
      expect(Date.now() - entry.at.getTime()).toBeLessThan(60_000);
      expect(entry.details).not.toContain('Jane');
    });

    it('names an undecorated call by method and route', async () => {
      await request(server).post('/admin/test-ops/unnamed/abc').set(auth).expect(201);
      const [entry] = await api.store.audit.list({ action: 'POST /admin/test-ops/unnamed/:id' });
      expect(entry).toMatchObject({ actor: 'night-ops', subject: 'abc' });
    });

    it('records a failed change with its status and error code', async () => {
      const res = await request(server).post('/admin/test-ops/missing/run-404').set(auth);
      expect(res.status).toBe(404);
      const [entry] = await api.store.audit.list({ action: 'test.missing' });
      expect(entry.subject).toBe('run-404');
      expect(JSON.parse(entry.details ?? '')).toEqual({
        outcome: 'failed',
        requestId: res.headers['x-request-id'],
        status: 404,
        errorCode: 'not_found',
      });
    });

    it('does not record reads, nor calls the guard refused', async () => {
      const before = (await api.store.audit.list({ limit: 1000 })).length;
      await request(server).get('/admin/whoami').set(auth).expect(200);
      await request(server).post('/admin/test-ops/run-8/poke').expect(401);
      expect(await api.store.audit.list({ limit: 1000 })).toHaveLength(before);
    });
  });

  describe('errors', () => {
    it('maps a domain conflict to 409 with its details', async () => {
      const res = await request(server).post('/admin/test-ops/conflict').set(auth);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        error: {
          code: 'run_conflict',
          message: 'source "demo" already has an active run (run-42); wait for it or cancel it',
          details: { source: 'demo', activeRunId: 'run-42' },
        },
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers a body that is not JSON with invalid_json, quoting none of it', async () => {
      const res = await request(server)
        .post('/admin/test-ops/invalid')
        .set({ ...auth, 'Content-Type': 'application/json' })
        .send('{"learnerIds": [STU-998877 Jane Doe]}');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'invalid_json', message: 'The request body is not valid JSON' },
        requestId: res.headers['x-request-id'],
      });
      expect(JSON.stringify(res.body)).not.toContain('STU-998877');
      // A body that parses still reaches the handler.
      const parsed = await request(server).post('/admin/test-ops/invalid').set(auth).send({ limit: 1 });
      expect(parsed.body.error.code).toBe('invalid_request');
    });

    it('maps a validation failure to 400 listing every issue', async () => {
      const res = await request(server).post('/admin/test-ops/invalid').set(auth).send({ limit: 99 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details).toEqual([
        { path: 'source', message: 'Required' },
        { path: 'limit', message: 'Number must be less than or equal to 10' },
      ]);
    });

    it('answers an unknown admin route 404 in the same shape', async () => {
      const res = await request(server).get('/admin/no-such-thing').set(auth);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('answers a bug 500 without its message, and an outage 503, without internals', async () => {
      const boom = await request(server).get('/admin/test-ops/boom').set(auth);
      expect(boom.status).toBe(500);
      expect(boom.body.error).toEqual({
        code: 'internal_error',
        message: 'Internal error; the server log has the details under this request id',
      });
      for (const path of ['/admin/test-ops/db-down', '/admin/test-ops/sis-down']) {
        const res = await request(server).get(path).set(auth);
        expect([path, res.status]).toEqual([path, 503]);
        expect(res.headers['retry-after']).toBe('30');
        expect(res.text).not.toMatch(/10\.9\.8\.7|sis-db\.internal|ECONNREFUSED/);
      }
      const config = await request(server).get('/admin/test-ops/config').set(auth);
      expect([config.status, config.body.error.code]).toEqual([500, 'configuration_invalid']);
    });

    it('keeps the request id the caller sent, when it is plain', async () => {
      const res = await request(server)
        .get('/admin/test-ops/boom')
        .set(auth)
        .set('X-Request-Id', 'trace-abc.123');
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
      expect(res.body.requestId).toBe('trace-abc.123');
      const odd = await request(server).get('/admin/whoami').set(auth).set('X-Request-Id', 'a b<script>');
      expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('leaves errors under /ims/ to their own filters', async () => {
      const res = await request(server).get('/ims/test-public');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      // A body that is not JSON is the caller's mistake there too: 400, quoting nothing.
      const malformed = await request(server)
        .post('/ims/test-public')
        .set('Content-Type', 'application/json')
        .send('{"x": [STU-998877]}');
      expect(malformed.status).toBe(400);
      expect(JSON.stringify(malformed.body)).toContain('The request body is not valid JSON');
      expect(JSON.stringify(malformed.body)).not.toContain('STU-998877');
    });
  });

  describe('logs', () => {
    it('log each request once with its id, and never the Authorization header, the query or the body', async () => {
      const res = await request(server)
        .post('/admin/test-ops/run-9/poke?email=jane.doe%40example.edu')
        .set(auth)
        .set('Cookie', 'session=cookie-value-1')
        .send({ name: 'Jane Doe', studentId: 'S-90210', grade: 'B+' });
      expect(res.status).toBe(201);
      const requestId = res.headers['x-request-id'];
      const finished = api.logs.records.filter(
        (record) =>
          (record.req as { id?: string } | undefined)?.id === requestId &&
          typeof record.responseTime === 'number',
      );
      expect(finished).toHaveLength(1);
      expect(finished[0]).toMatchObject({
        level: 'info',
        service: 'api',
        // The route pattern, not the concrete path (paths carry ids).
        req: { id: requestId, method: 'POST', path: '/admin/test-ops/:id/poke' },
        res: { statusCode: 201 },
        msg: 'POST /admin/test-ops/:id/poke 201',
      });
      const text = api.logs.text;
      for (const secret of [
        OPERATOR,
        'Bearer',
        'cookie-value-1',
        'jane.doe',
        'Jane Doe',
        'S-90210',
        'B+',
        'email=',
      ]) {
        expect([secret, text.includes(secret)]).toEqual([secret, false]);
      }
    });

    const requestLineOf = (requestId: unknown): Record<string, unknown> | undefined =>
      api.logs.records.find(
        (record) =>
          (record.req as { id?: string } | undefined)?.id === requestId &&
          typeof record.responseTime === 'number',
      );

    it("log a learner's wallets route as its pattern, never the SIS learner id in the path", async () => {
      const res = await request(server).get('/admin/learners/S-77123/wallets').set(auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      const line = requestLineOf(res.headers['x-request-id']);
      expect(line).toMatchObject({
        req: { method: 'GET', path: '/admin/learners/:learnerId/wallets' },
        msg: 'GET /admin/learners/:learnerId/wallets 200',
      });
      expect(api.logs.text).not.toContain('S-77123');
    });

    it('log a request no route matched (404) with every segment after the first two as :param', async () => {
      const res = await request(server).get('/admin/learners/S0000001/x').set(auth);
      expect(res.status).toBe(404);
      const line = requestLineOf(res.headers['x-request-id']);
      expect(line).toMatchObject({
        level: 'warn',
        req: { method: 'GET', path: '/admin/learners/:param/:param' },
        res: { statusCode: 404 },
      });
      expect(api.logs.text).not.toContain('S0000001');
    });

    it('log failures with the error class and request id, never the message of an unknown error or a driver', async () => {
      const boom = await request(server).get('/admin/test-ops/boom').set(auth);
      const driver = await request(server).get('/admin/test-ops/driver').set(auth);
      const sis = await request(server).get('/admin/test-ops/sis-down').set(auth);
      const failures = api.logs.records.filter((record) => record.msg === 'request failed');
      const sisLine = failures.find((record) => record.requestId === sis.headers['x-request-id']);
      // The publisher's own errors keep class and message (ids and names only, by their rule).
      expect(sisLine?.err).toMatchObject({
        type: 'SisError',
        code: 'SIS_UNAVAILABLE',
        message: expect.stringContaining('"demo"'),
      });
      const requestLine = api.logs.records.find(
        (record) =>
          (record.req as { id?: string } | undefined)?.id === boom.headers['x-request-id'] &&
          record.res !== undefined,
      );
      expect(requestLine).toMatchObject({ level: 'error', res: { statusCode: 500 } });
      expect(requestLine?.err).toBeUndefined();
      const boomLine = failures.find((record) => record.requestId === boom.headers['x-request-id']);
      const driverLine = failures.find((record) => record.requestId === driver.headers['x-request-id']);
      expect(boomLine).toMatchObject({ level: 'error', code: 'internal_error', err: { type: 'TypeError' } });
      expect(driverLine).toMatchObject({ level: 'error', err: { type: 'QueryFailedError' } });
      expect(api.logs.text).not.toMatch(/jane\.doe|S-90210/);
    });
  });
});
