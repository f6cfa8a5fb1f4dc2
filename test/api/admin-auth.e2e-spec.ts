import { createHash } from 'node:crypto';
import request from 'supertest';
import { type App } from 'supertest/types';
import { type StandInOidcIssuer, describeWithService, startStandInOidcIssuer } from '@app/testing';
import { type ApiHarness, startApiHarness } from './api-harness';
import { TestOpsController } from './test-ops.controller';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const OPERATOR = 'operator-token-1f2e3d4c5b6a';
const VIEWER = 'viewer-token-9a8b7c6d5e4f';

describeWithService('redis', 'admin authentication and authorization (e2e)', () => {
  let issuer: StandInOidcIssuer;
  let api: ApiHarness;
  let server: App;

  beforeAll(async () => {
    issuer = await startStandInOidcIssuer();
    api = await startApiHarness({
      controllers: [TestOpsController],
      admin: `
  tokens:
    - { name: night-ops, role: operator, sha256: ${sha256(OPERATOR)} }
    - { name: dashboard, role: viewer, sha256: ${sha256(VIEWER)} }
  oidc:
    issuer: ${issuer.issuer}
    audience: clr-admin
    rolesClaim: realm_access.roles
    roleValues: { viewer: [clr-viewer], operator: [clr-operator] }
    timeoutMs: 2000`,
    });
    server = api.app.getHttpServer();
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  describe('static tokens', () => {
    it('answers 401 with a bare Bearer challenge when there is no token', async () => {
      const res = await request(server).get('/admin/whoami');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="clr-publisher-admin"');
      expect(res.body).toEqual({
        error: { code: 'unauthorized', message: 'This route needs Authorization: Bearer <token>' },
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers 401 invalid_token for an unknown token or another scheme', async () => {
      const wrong = await request(server)
        .get('/admin/whoami')
        .set('Authorization', 'Bearer not-a-configured-token');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('invalid_token');
      expect(wrong.headers['www-authenticate']).toBe(
        'Bearer realm="clr-publisher-admin", error="invalid_token", error_description="unknown token"',
      );
      const basic = await request(server)
        .get('/admin/whoami')
        .set('Authorization', `Basic ${Buffer.from(`x:${OPERATOR}`).toString('base64')}`);
      expect(basic.status).toBe(401);
      expect(basic.body.error.message).toMatch(/expected "Bearer <token>"/);
    });

    it('names the holder and role of a good token', async () => {
      const res = await request(server).get('/admin/whoami').set('Authorization', `Bearer ${VIEWER}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ actor: 'dashboard', role: 'viewer', via: 'token' });
    });

    it('answers 403 insufficient_scope when a viewer tries to change something', async () => {
      const res = await request(server)
        .post('/admin/test-ops/r-1/poke')
        .set('Authorization', `Bearer ${VIEWER}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({
        code: 'forbidden',
        message: 'This route needs the operator role; the token grants viewer',
        details: { required: 'operator', granted: 'viewer' },
      });
      expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      const operator = await request(server)
        .post('/admin/test-ops/r-1/poke')
        .set('Authorization', `Bearer ${OPERATOR}`);
      expect(operator.status).toBe(201);
      expect(operator.body).toEqual({ poked: 'r-1', by: 'night-ops' });
    });

    it('lets @Roles lower what a changing route needs', async () => {
      const res = await request(server)
        .post('/admin/test-ops/search')
        .set('Authorization', `Bearer ${VIEWER}`);
      expect(res.status).toBe(201);
    });

    it('cannot be side-stepped by the path spelling', async () => {
      for (const path of ['/ADMIN/whoami', '/Admin/WhoAmI', '/admin/whoami/']) {
        const res = await request(server).get(path);
        expect([path, res.status]).toEqual([path, 401]);
      }
    });
  });

  describe('JWTs of the OIDC issuer', () => {
    const roles = (...values: string[]) => ({ realm_access: { roles: values } });

    it('accepts a token of the issuer and takes the actor from sub', async () => {
      const token = await issuer.sign({ sub: 'staff-17', aud: 'clr-admin', ...roles('clr-operator') });
      const res = await request(server).get('/admin/whoami').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ actor: 'staff-17', role: 'operator', via: 'oidc' });
    });

    it.each([
      ['a wrong issuer', { iss: 'http://127.0.0.1:9/elsewhere' }, {}, 'the "iss" claim does not match'],
      ['a wrong audience', { aud: 'another-app' }, {}, 'the "aud" claim does not match'],
      ['an expired token', {}, { expiresIn: Math.floor(Date.now() / 1000) - 600 }, 'the token has expired'],
    ])('refuses %s with 401 invalid_token', async (_name, claims, options, reason) => {
      const token = await issuer.sign(
        { sub: 'staff-17', aud: 'clr-admin', ...roles('clr-operator'), ...claims },
        options,
      );
      const res = await request(server).get('/admin/whoami').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({
        code: 'invalid_token',
        message: `The bearer token was refused: ${reason}`,
      });
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="clr-publisher-admin", error="invalid_token"/,
      );
    });

    it('refuses a token signed with a key the issuer does not publish', async () => {
      const token = await issuer.sign(
        { sub: 'x', aud: 'clr-admin', ...roles('clr-operator') },
        { key: await issuer.foreignKey() },
      );
      const res = await request(server).get('/admin/whoami').set('Authorization', `Bearer ${token}`);
      expect([res.status, res.body.error.message]).toEqual([
        401,
        'The bearer token was refused: the signature does not verify',
      ]);
    });

    it('answers 403 for a valid token with a viewer role on a change, and with no role at all', async () => {
      const viewer = await issuer.sign({ sub: 'staff-2', aud: 'clr-admin', ...roles('clr-viewer') });
      const poke = await request(server)
        .post('/admin/test-ops/r-2/poke')
        .set('Authorization', `Bearer ${viewer}`);
      expect([poke.status, poke.body.error.details]).toEqual([
        403,
        { required: 'operator', granted: 'viewer' },
      ]);
      const nobody = await issuer.sign({ sub: 'staff-3', aud: 'clr-admin', ...roles('students') });
      const whoami = await request(server).get('/admin/whoami').set('Authorization', `Bearer ${nobody}`);
      expect([whoami.status, whoami.body.error.message]).toEqual([
        403,
        'This route needs the viewer role; the token grants no role',
      ]);
    });
  });

  describe('the queue dashboard at /admin/queues', () => {
    it('needs a token, and asks browsers for Basic credentials', async () => {
      const res = await request(server).get('/admin/queues');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="clr-publisher-admin", charset="UTF-8"');
      expect(res.body.error.code).toBe('unauthorized');
      const api = await request(server).get('/admin/queues/api/queues');
      expect(api.status).toBe(401);
    });

    it('needs the operator role', async () => {
      const res = await request(server)
        .get('/admin/queues/api/queues')
        .set('Authorization', `Bearer ${VIEWER}`);
      expect(res.status).toBe(403);
      const jwt = await issuer.sign({
        sub: 'staff-2',
        aud: 'clr-admin',
        realm_access: { roles: ['clr-viewer'] },
      });
      expect((await request(server).get('/admin/queues').set('Authorization', `Bearer ${jwt}`)).status).toBe(
        403,
      );
    });

    it("serves the board and every queue of the catalogue to an operator's bearer or Basic password", async () => {
      const page = await request(server).get('/admin/queues').set('Authorization', `Bearer ${OPERATOR}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<title>clr-publisher queues</title>');
      expect(page.headers['x-powered-by']).toBeUndefined();
      const basic = `Basic ${Buffer.from(`anyone:${OPERATOR}`).toString('base64')}`;
      const queues = await request(server).get('/admin/queues/api/queues').set('Authorization', basic);
      expect(queues.status).toBe(200);
      expect((queues.body.queues as { name: string }[]).map((queue) => queue.name).sort()).toEqual([
        'build',
        'deliver',
        'extract',
      ]);
    });

    it("refuses changes another site's page asks a browser to make, with the browser's Basic credentials", async () => {
      const basic = `Basic ${Buffer.from(`anyone:${OPERATOR}`).toString('base64')}`;
      const addJob = (headers: Record<string, string>) =>
        request(server)
          .post('/admin/queues/api/queues/extract/add')
          .set({ Authorization: basic, ...headers })
          .type('form')
          .send('name=flood&data[runId]=x');
      const crossSiteHeaders: Record<string, string>[] = [
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
      ];
      for (const headers of crossSiteHeaders) {
        const res = await addJob(headers);
        expect({ headers, status: res.status, code: res.body?.error?.code }).toEqual({
          headers,
          status: 403,
          code: 'cross_site_request',
        });
      }
      // The dashboard's own page may change things.
      const own = await request(server)
        .put('/admin/queues/api/queues/extract/pause')
        .set({ Authorization: basic, 'Sec-Fetch-Site': 'same-origin' });
      expect(own.status).toBeLessThan(300);
      const resumed = await request(server)
        .put('/admin/queues/api/queues/extract/resume')
        .set({ Authorization: basic, Host: 'admin.example.edu', Origin: 'https://admin.example.edu' });
      expect(resumed.status).toBeLessThan(300);
      // Behind a reverse proxy that rewrites Host, the host the browser saw is X-Forwarded-Host.
      const proxied = (origin: string) =>
        request(server).put('/admin/queues/api/queues/extract/resume').set({
          Authorization: basic,
          Host: '10.0.0.7:3000',
          'X-Forwarded-Host': 'admin.example.edu',
          Origin: origin,
        });
      expect((await proxied('http://admin.example.edu')).status).toBeLessThan(300);
      expect((await proxied('https://evil.example')).status).toBe(403);
    });

    it('writes changes made on the board to the audit log', async () => {
      const pause = await request(server)
        .put('/admin/queues/api/queues/extract/pause')
        .set('Authorization', `Bearer ${OPERATOR}`);
      expect(pause.status).toBeLessThan(300);
      await request(server)
        .put('/admin/queues/api/queues/extract/resume')
        .set('Authorization', `Bearer ${OPERATOR}`);
      const [resume, paused] = await api.store.audit.list({ actor: 'night-ops', action: 'queues.put' });
      expect(paused.subject).toBe('/admin/queues/api/queues/extract/pause');
      expect(resume.subject).toBe('/admin/queues/api/queues/extract/resume');
      expect(JSON.parse(paused.details ?? '{}')).toEqual({
        outcome: 'ok',
        requestId: pause.headers['x-request-id'],
        status: pause.status,
      });
    });
  });

  describe('the OpenAPI document at /admin/docs', () => {
    it('describes the admin routes with the bearer scheme, and nothing outside /admin', async () => {
      const res = await request(server).get('/admin/docs/openapi.json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths as Record<string, unknown>);
      expect(paths).toContain('/admin/whoami');
      expect(paths.every((path) => path.startsWith('/admin'))).toBe(true);
      expect(res.body.components.securitySchemes.admin).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(res.body.paths['/admin/whoami'].get.security).toEqual([{ admin: [] }]);
      const ui = await request(server).get('/admin/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
    });
  });
});
