/**
 * The public CLR endpoints inside the whole api app (`createApiApp`): the global admin guard,
 * the api's own error filter and request logging leave `/ims/clr/v1p0` to the public module, so
 * its answers keep the CLR shapes (imsx errors, ld+json documents). Needs Redis (the app's queues).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { appConfigSchema } from '@app/config';
import { describeWithService } from '@app/testing';
import { createApiApp } from '../create-api-app';

describeWithService('redis', 'public CLR endpoints in the api app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-public-app-'));
  let app: NestExpressApplication;

  beforeAll(async () => {
    const config = appConfigSchema.parse({
      institution: {
        id: 'test-university',
        name: 'Test University',
        url: 'https://www.test-university.example',
        email: 'registrar@test-university.example',
        idSecret: randomBytes(32).toString('hex'),
      },
      publicBaseUrl: 'https://publisher.test-university.example',
      keys: { masterKey: randomBytes(32).toString('base64') },
      sis: { sources: [{ name: 'sis', driver: 'sqlite', connection: { file: join(dir, 'sis.sqlite') } }] },
      store: { driver: 'sqlite', file: join(dir, 'publisher.sqlite') },
      redis: { url: 'redis://127.0.0.1:6379', prefix: `public-app-${process.pid}` },
    });
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    app = await createApiApp(config, { migrations: 'apply', schedules: false, logDestination: discard });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the public documents as CLR documents', async () => {
    const list = await request(app.getHttpServer()).get('/ims/clr/v1p0/revocations/institution');
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(list.body as unknown).toMatchObject({
      issuer: expect.stringMatching(/profiles\/institution$/) as unknown,
    });
    const profile = await request(app.getHttpServer()).get('/ims/clr/v1p0/profiles/institution');
    expect(profile.status).toBe(200);
  });

  it('answers errors below /ims/clr/v1p0 with imsx bodies, not the admin error shape', async () => {
    for (const [path, status] of [
      ['/ims/clr/v1p0/assertions/unknown', 404],
      ['/ims/clr/v1p0/nothing/here', 404],
      ['/ims/clr/v1p0/clrs', 401],
    ] as const) {
      const response = await request(app.getHttpServer()).get(path);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(JSON.parse(response.text)).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error' });
    }
  });
});
