/**
 * The public CLR 1.0 endpoints over real HTTP: an in-process api (configuration, a temporary
 * SQLite store seeded through the store's repositories with CLRs signed by `signClr`, the public
 * module) listening on a local port, a stand-in authorization server's JWKS on another, and every
 * answer checked against the CLR 1.0 OpenAPI schemas with `validateDocument`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import {
  CLR_SCOPES,
  type DocumentKind,
  HttpKeyResolver,
  decodeCompactJws,
  validateDocument,
  verifyClr,
} from '@app/clr';
import { type AppConfig, ClrConfigModule, appConfigSchema, masterKeyBytes } from '@app/config';
import { PublisherStore, StoreModule } from '@app/store';
import { PublicClrModule } from '../../apps/api/src/public/public-clr.module';
import { type Seeded, seedPublisherStore } from './public-clr.seed';
import { TokenIssuer } from './token-issuer';

const BASE = 'https://publisher.test-university.example';
const API = '/ims/clr/v1p0';
const LD = 'application/ld+json';

async function expectValid(kind: DocumentKind, body: unknown): Promise<void> {
  const report = await validateDocument(kind, body);
  expect({ kind, findings: report.findings }).toEqual({ kind, findings: [] });
}

/** An error answer: status, imsx body valid against its schema, the code minor, not cached. */
async function expectImsx(response: Response, status: number, codeMinor: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
  expect(response.headers['cache-control']).toBe('no-store');
  const body = JSON.parse(response.text) as Record<string, unknown>;
  await expectValid('imsxStatusInfo', body);
  expect(body).toMatchObject({
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_codeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldValue: codeMinor }] },
  });
}

function json(response: Response): Record<string, unknown> {
  return JSON.parse(response.text) as Record<string, unknown>;
}

describe('public CLR endpoints (e2e over HTTP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-public-api-'));
  const storeFile = join(dir, 'publisher.sqlite');
  const idSecret = randomBytes(32).toString('hex');
  const masterKey = randomBytes(32).toString('base64');
  const issuer = new TokenIssuer();
  const apps: INestApplication[] = [];
  let config: AppConfig;
  let url: string;
  let seeded: Seeded;

  /** A configuration of its own (not the demo file: its public demo secrets are refused here). */
  function configWith(providerApi: unknown): AppConfig {
    return appConfigSchema.parse({
      institution: {
        id: 'test-university',
        name: 'Test University',
        url: 'https://www.test-university.example',
        email: 'registrar@test-university.example',
        idSecret,
      },
      publicBaseUrl: BASE,
      keys: { masterKey },
      sis: {
        sources: [{ name: 'sis', driver: 'sqlite', connection: { file: join(dir, 'unused-sis.sqlite') } }],
      },
      store: { driver: 'sqlite', file: storeFile },
      redis: { url: 'redis://127.0.0.1:6379' },
      providerApi,
    });
  }

  /** The api's public module on a local port; the URL it listens at. */
  async function startApp(appConfig: AppConfig): Promise<string> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ClrConfigModule.forRoot({ config: appConfig }),
        StoreModule.forRoot({
          store: { driver: 'sqlite', file: storeFile },
          masterKey: masterKeyBytes(appConfig),
          migrations: 'apply',
        }),
        PublicClrModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  /** A path below the API root of an id of this publisher. */
  const pathOf = (id: string): string => id.slice(BASE.length);

  beforeAll(async () => {
    await issuer.start();
    config = configWith({
      issuer: issuer.issuer,
      jwksUrl: issuer.jwksUrl,
      audience: issuer.audience,
      readers: [issuer.clientId],
      discovery: {
        name: 'Test University CLR',
        authorizationUrl: 'https://auth.test-university.example/authorize',
        tokenUrl: 'https://auth.test-university.example/token',
        registrationUrl: 'https://auth.test-university.example/register',
        privacyPolicyUrl: 'https://www.test-university.example/privacy',
        termsOfServiceUrl: 'https://www.test-university.example/terms',
      },
    });
    url = await startApp(config);
    seeded = await seedPublisherStore(apps[0].get(PublisherStore), BASE, idSecret);
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await issuer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET /keys/{id}', () => {
    it('serves the CryptographicKey of each (key, owner) pair, cacheable for a day', async () => {
      const institutionKey = seeded.urls.keyUrl(seeded.oldKid);
      const response = await request(url).get(pathOf(institutionKey)).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(response.headers['cache-control']).toBe('public, max-age=86400');
      expect(response.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      const body = json(response);
      await expectValid('cryptographicKey', body);
      expect(body).toMatchObject({
        id: institutionKey,
        owner: seeded.institutionId,
        type: 'CryptographicKey',
      });

      const orgKey = seeded.urls.keyUrl(seeded.urls.keyDocumentId(seeded.oldKid, seeded.orgUnitId));
      const org = await request(url).get(pathOf(orgKey));
      expect(org.status).toBe(200);
      expect(json(org)).toMatchObject({ id: orgKey, owner: seeded.orgUnitId });
      expect(json(org)['publicKeyPem']).toBe(body['publicKeyPem']);
    });

    it('answers the same 404 for an unknown and for a malformed key id', async () => {
      const unknown = await request(url).get(`${API}/keys/${'A'.repeat(43)}`);
      await expectImsx(unknown, 404, 'unknown');
      for (const id of [
        'x.y.z',
        '..',
        '%00',
        `${seeded.oldKid}.institution`,
        `${seeded.oldKid}.${'0'.repeat(32)}`,
      ]) {
        const malformed = await request(url).get(`${API}/keys/${id}`);
        expect({ id, status: malformed.status, body: malformed.text }).toEqual({
          id,
          status: 404,
          body: unknown.text,
        });
      }
    });

    it('answers 304 to If-None-Match with its ETag, and 200 to another tag', async () => {
      const path = pathOf(seeded.urls.keyUrl(seeded.newKid));
      const first = await request(url).get(path);
      const etag = first.headers['etag'];
      const again = await request(url).get(path).set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers['etag']).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, max-age=86400');
      const weak = await request(url).get(path).set('If-None-Match', `"other", W/${etag}`);
      expect(weak.status).toBe(304);
      const other = await request(url).get(path).set('If-None-Match', '"something-else"');
      expect(other.status).toBe(200);
    });

    it('negotiates: ld+json for */*, json for json-only clients (own ETag), 406 otherwise', async () => {
      const path = pathOf(seeded.urls.keyUrl(seeded.oldKid));
      const any = await request(url).get(path).set('Accept', '*/*');
      expect(any.headers['content-type']).toMatch(/^application\/ld\+json/);
      const plain = await request(url).get(path).set('Accept', 'application/json');
      expect(plain.status).toBe(200);
      expect(plain.headers['content-type']).toMatch(/^application\/json/);
      expect(plain.headers['etag']).not.toBe(any.headers['etag']);
      expect(plain.text).toBe(any.text);
      await expectImsx(await request(url).get(path).set('Accept', 'text/html'), 406, 'not_acceptable');
      await expectImsx(
        await request(url).get(path).set('Accept', 'application/ld+json;q=0, text/plain'),
        406,
        'not_acceptable',
      );
    });
  });

  describe('GET /revocations/{id}', () => {
    it("lists the institution's revoked assertions and CLRs, cacheable for a minute", async () => {
      const response = await request(url).get(`${API}/revocations/institution`).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      expect(response.headers['etag']).toBeDefined();
      const body = json(response);
      await expectValid('revocationList', body);
      expect(body).toMatchObject({
        id: `${BASE}${API}/revocations/institution`,
        issuer: seeded.institutionId,
      });
      expect(body['revokedAssertions']).toEqual([seeded.main.vanishedAssertion, seeded.revoked.clrId].sort());
    });

    it("serves an org unit's (empty) list once a key signed for it, 404 for any other id", async () => {
      const org = await request(url).get(`${API}/revocations/${seeded.orgUnitSegment}`);
      expect(org.status).toBe(200);
      expect(json(org)).toMatchObject({ issuer: seeded.orgUnitId, revokedAssertions: [] });
      const unknown = await request(url).get(`${API}/revocations/${'f'.repeat(32)}`);
      await expectImsx(unknown, 404, 'unknown');
      const malformed = await request(url).get(`${API}/revocations/INSTITUTION`);
      expect(malformed.text).toBe(unknown.text);
    });

    it('answers 304 to If-None-Match and 406 to a wrong Accept', async () => {
      const path = `${API}/revocations/institution`;
      const etag = (await request(url).get(path)).headers['etag'];
      expect((await request(url).get(path).set('If-None-Match', etag)).status).toBe(304);
      await expectImsx(await request(url).get(path).set('Accept', 'text/csv'), 406, 'not_acceptable');
    });
  });

  describe('GET /assertions/{id}', () => {
    it('serves a signed assertion as it was signed (from the latest version), with @context', async () => {
      const response = await request(url).get(pathOf(seeded.main.signedAssertion)).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      const body = json(response);
      await expectValid('assertion', body);
      expect(Object.keys(body)[0]).toBe('@context');
      expect(body).toMatchObject({
        id: seeded.main.signedAssertion,
        verification: { type: 'Signed', creator: seeded.urls.keyUrl(seeded.oldKid) },
        achievement: { issuer: { id: seeded.institutionId } },
      });
      const org = json(await request(url).get(pathOf(seeded.main.orgAssertion)));
      expect(org).toMatchObject({ achievement: { issuer: { id: seeded.orgUnitId } } });
    });

    it('serves a hosted assertion from the CLR it is published in', async () => {
      const response = await request(url).get(pathOf(seeded.main.hostedAssertion));
      expect(response.status).toBe(200);
      const body = json(response);
      await expectValid('assertion', body);
      expect(body).toMatchObject({ id: seeded.main.hostedAssertion, verification: { type: 'Hosted' } });
    });

    it('answers 410 Gone with the revoked stub for a revoked assertion', async () => {
      const response = await request(url).get(pathOf(seeded.main.vanishedAssertion)).set('Accept', LD);
      expect(response.status).toBe(410);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      const body = json(response);
      await expectValid('assertion', body);
      expect(body).toEqual({
        '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
        id: seeded.main.vanishedAssertion,
        type: 'Assertion',
        revoked: true,
      });
    });

    it('answers the same 404 for unknown and malformed ids, 304 and 406 as the others', async () => {
      const unknown = await request(url).get(`${API}/assertions/${'0'.repeat(32)}`);
      await expectImsx(unknown, 404, 'unknown');
      for (const id of ['S-1', 'ABCDEF', `${'0'.repeat(31)}g`, 'institution']) {
        const malformed = await request(url).get(`${API}/assertions/${id}`);
        expect({ id, status: malformed.status, body: malformed.text }).toEqual({
          id,
          status: 404,
          body: unknown.text,
        });
      }
      const path = pathOf(seeded.main.signedAssertion);
      const etag = (await request(url).get(path)).headers['etag'];
      expect((await request(url).get(path).set('If-None-Match', etag)).status).toBe(304);
      await expectImsx(await request(url).get(path).set('Accept', 'image/png'), 406, 'not_acceptable');
    });
  });

  describe('GET /achievements/{id}', () => {
    it('serves an achievement an active assertion carries, as its latest version published it', async () => {
      const id = seeded.ids.achievementId('course', 'MATH-101');
      const response = await request(url).get(pathOf(id)).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      const body = json(response);
      expect(Object.keys(body)[0]).toBe('@context');
      expect(body).toMatchObject({
        '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
        id,
        type: 'Achievement',
        name: 'Course MATH-101',
        issuer: { id: seeded.institutionId },
      });
      // The signed assertion carries the same achievement.
      const assertion = json(await request(url).get(pathOf(seeded.main.signedAssertion)));
      const { '@context': _context, ...achievement } = body;
      expect(assertion['achievement']).toEqual(achievement);
    });

    it('answers 404 for an achievement only revoked assertions carried, and for unknown ids', async () => {
      const unknown = await request(url).get(`${API}/achievements/${'0'.repeat(32)}`);
      await expectImsx(unknown, 404, 'unknown');
      const revokedOnly = await request(url).get(pathOf(seeded.ids.achievementId('course', 'HIS-120')));
      expect({ status: revokedOnly.status, body: revokedOnly.text }).toEqual({
        status: 404,
        body: unknown.text,
      });
      const malformed = await request(url).get(`${API}/achievements/not-one`);
      expect({ status: malformed.status, body: malformed.text }).toEqual({ status: 404, body: unknown.text });
    });
  });

  describe('GET /profiles/{id}', () => {
    it('serves the institution with the active key and its revocation list', async () => {
      const response = await request(url).get(`${API}/profiles/institution`).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=3600');
      expect(response.headers['etag']).toBeDefined();
      expect(json(response)).toMatchObject({
        '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
        id: seeded.institutionId,
        type: 'Profile',
        name: 'Test University',
        sourcedId: 'test-university',
        url: 'https://www.test-university.example',
        publicKey: { id: seeded.urls.keyUrl(seeded.newKid), owner: seeded.institutionId },
        revocationList: `${BASE}${API}/revocations/institution`,
      });
    });

    it('serves an org unit with the only key it was used with; 404 for other ids', async () => {
      const response = await request(url).get(`${API}/profiles/${seeded.orgUnitSegment}`);
      expect(response.status).toBe(200);
      expect(json(response)).toEqual({
        '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
        id: seeded.orgUnitId,
        type: 'Profile',
        publicKey: {
          id: seeded.urls.keyUrl(seeded.urls.keyDocumentId(seeded.oldKid, seeded.orgUnitId)),
          type: 'CryptographicKey',
          owner: seeded.orgUnitId,
          publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') as unknown,
        },
        revocationList: `${BASE}${API}/revocations/${seeded.orgUnitSegment}`,
      });
      const unknown = await request(url).get(`${API}/profiles/${'a'.repeat(32)}`);
      await expectImsx(unknown, 404, 'unknown');
      // A learner's Profile id is a urn:uuid and never resolves here.
      const learner = await request(url).get(
        `${API}/profiles/${encodeURIComponent(seeded.ids.learnerProfileId('S-1'))}`,
      );
      expect(learner.text).toBe(unknown.text);
    });
  });

  describe('GET /discovery', () => {
    it('serves the DiscoveryDocument offering the readonly scope only', async () => {
      const response = await request(url).get(`${API}/discovery`).set('Accept', 'application/json');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const body = json(response);
      await expectValid('discovery', body);
      expect(body).toMatchObject({ name: 'Test University CLR', scopesOffered: [CLR_SCOPES.readonly] });
    });

    it('answers 404 with an imsx body when no discovery is configured', async () => {
      const { discovery: _discovery, ...withoutDiscovery } = config.providerApi!;
      const other = await startApp(configWith(withoutDiscovery));
      await expectImsx(await request(other).get(`${API}/discovery`), 404, 'unknown');
    });
  });

  describe('provider reads: authorization', () => {
    const path = `${API}/clrs`;

    it('refuses a request without a token: 401, imsx, WWW-Authenticate without an error code', async () => {
      const response = await request(url).get(path).set('Accept', LD);
      await expectImsx(response, 401, 'unauthorizedrequest');
      expect(response.headers['www-authenticate']).toBe(
        `Bearer realm="clr-publisher", scope="${CLR_SCOPES.readonly}"`,
      );
      // The same before any lookup: nobody learns whether a CLR exists.
      const one = await request(url).get(pathOf(seeded.main.clrId));
      await expectImsx(one, 401, 'unauthorizedrequest');
      await expectImsx(await request(url).get(`${path}/${'0'.repeat(32)}`), 401, 'unauthorizedrequest');
    });

    it.each([
      ['a bad signature', { foreignKey: true }, /signature does not verify/],
      ['another issuer', { issuer: 'https://evil.example' }, /"iss" claim/],
      ['another audience', { audience: 'https://elsewhere.example' }, /"aud" claim/],
      ['an expired token', { expiresIn: -3600 }, /expired/],
      ['a token without exp', { omitExp: true }, /"exp" claim/],
    ])('refuses %s with 401 invalid_token', async (_case, options, reason) => {
      const token = await issuer.token({ scope: CLR_SCOPES.readonly, ...options });
      const response = await request(url).get(path).set('Authorization', `Bearer ${token}`);
      await expectImsx(response, 401, 'unauthorizedrequest');
      expect(json(response)['imsx_description']).toMatch(reason);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
      expect(response.text).not.toContain(token);
    });

    it('refuses a header that is not a bearer token with 401 invalid_request', async () => {
      const response = await request(url).get(path).set('Authorization', 'Basic d2FsbGV0OnNlY3JldA==');
      await expectImsx(response, 401, 'unauthorizedrequest');
      expect(response.headers['www-authenticate']).toMatch(/error="invalid_request"/);
      const garbage = await request(url).get(path).set('Authorization', 'Bearer not-a-jwt');
      await expectImsx(garbage, 401, 'unauthorizedrequest');
      expect(json(garbage)['imsx_description']).toMatch(/not a well-formed signed JWT/);
    });

    it('refuses a valid token without the readonly scope with 403 insufficient_scope', async () => {
      for (const token of [
        await issuer.token({ scope: `${CLR_SCOPES.replace} ${CLR_SCOPES.delete}` }),
        await issuer.token({ scp: [CLR_SCOPES.replace] }),
        await issuer.token(),
      ]) {
        const response = await request(url).get(path).set('Authorization', `Bearer ${token}`);
        await expectImsx(response, 403, 'forbidden');
        expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      }
    });

    it('refuses with 403 a readonly token issued to a client that is not a configured reader', async () => {
      // A learner's wallet registered at the authorization server: it must not read everyone's CLRs.
      const token = await issuer.token({ scope: CLR_SCOPES.readonly, clientId: 'learner-wallet' });
      const response = await request(url).get(path).set('Authorization', `Bearer ${token}`);
      await expectImsx(response, 403, 'forbidden');
      expect(json(response)['imsx_description']).toMatch(/not issued to a client allowed to read/);
      expect(response.text).not.toMatch(/signedClrs|"clrs"/);
    });

    it('accepts the scope in `scope` (space-separated) and in `scp` (array)', async () => {
      for (const token of [
        await issuer.token({ scope: `openid ${CLR_SCOPES.readonly} offline_access` }),
        await issuer.token({ scp: [CLR_SCOPES.replace, CLR_SCOPES.readonly] }),
      ]) {
        const response = await request(url).get(path).set('Authorization', `Bearer ${token}`);
        expect(response.status).toBe(200);
      }
    });

    it('answers 401 to every token when providerApi is not configured', async () => {
      const closed = await startApp(configWith(undefined));
      const token = await issuer.token({ scope: CLR_SCOPES.readonly });
      for (const target of [path, pathOf(seeded.main.clrId)]) {
        const response = await request(closed).get(target).set('Authorization', `Bearer ${token}`);
        await expectImsx(response, 401, 'unauthorizedrequest');
        expect(json(response)['imsx_description']).toMatch(/accepts no tokens/);
      }
      // The public documents are still served.
      expect((await request(closed).get(`${API}/revocations/institution`)).status).toBe(200);
    });

    it('answers 503 when the JWKS cannot be fetched (not the client’s fault)', async () => {
      const down = await startApp(
        configWith({ ...config.providerApi, jwksUrl: 'http://127.0.0.1:9/jwks.json', jwksTimeoutMs: 1000 }),
      );
      const token = await issuer.token({ scope: CLR_SCOPES.readonly });
      const response = await request(down).get(path).set('Authorization', `Bearer ${token}`);
      await expectImsx(response, 503, 'server_busy');
      expect(response.headers['retry-after']).toBe('30');
    });
  });

  describe('GET /clrs (getClrs)', () => {
    let token: string;
    const clrs = `${API}/clrs`;
    beforeAll(async () => {
      token = await issuer.token({ scope: CLR_SCOPES.readonly });
    });
    const get = (target: string) =>
      request(url).get(target).set('Authorization', `Bearer ${token}`).set('Accept', LD);

    it('pages through every unrevoked CLR with X-Total-Count and Link first/last/next/prev', async () => {
      const total = seeded.listed.length;
      expect(total).toBe(6);
      const seen: string[] = [];
      const links: Record<string, string>[] = [];
      for (let offset = 0; offset < total; offset += 2) {
        const response = await get(`${clrs}?limit=2&offset=${offset}`);
        expect(response.status).toBe(200);
        expect(response.headers['x-total-count']).toBe(String(total));
        expect(response.headers['cache-control']).toBe('private, no-cache');
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
        const body = json(response);
        await expectValid('clrSet', body);
        const ids = [
          ...((body['signedClrs'] as string[] | undefined) ?? []).map((jws) => {
            const decoded = decodeCompactJws(jws);
            if (!decoded.ok) throw new Error(decoded.reason);
            return decoded.jws.payload['id'] as string;
          }),
          ...((body['clrs'] as { id: string }[] | undefined) ?? []).map((clr) => clr.id),
        ];
        expect(ids).toHaveLength(2);
        seen.push(...ids);
        links.push(parseLinks(response.headers['link']));
      }
      expect(seen.sort()).toEqual(seeded.listed.map((clr) => clr.clrId).sort());
      expect(seen).not.toContain(seeded.revoked.clrId);
      const page = (offset: number): string => `${BASE}${clrs}?limit=2&offset=${offset}`;
      expect(links[0]).toEqual({ first: page(0), last: page(4), next: page(2) });
      expect(links[1]).toEqual({ first: page(0), last: page(4), next: page(4), prev: page(0) });
      expect(links[2]).toEqual({ first: page(0), last: page(4), prev: page(2) });
    });

    it('returns signed CLRs as signedClrs that verify against the keys and lists served here', async () => {
      const response = await get(`${clrs}?limit=100`);
      const body = json(response);
      expect((body['signedClrs'] as string[]).length).toBe(5);
      expect((body['clrs'] as unknown[]).length).toBe(1);
      expect((body['clrs'] as Record<string, unknown>[])[0]).not.toHaveProperty('@context');
      const resolver = new HttpKeyResolver({
        // The ids are under the public base URL; the documents come from this test's server.
        fetch: (input, init) =>
          fetch((input instanceof Request ? input.url : input.toString()).replace(BASE, url), init),
      });
      const report = await verifyClr(
        { '@context': body['@context'], signedClrs: body['signedClrs'] },
        { resolver },
      );
      expect(report.findings).toEqual([]);
      expect(report.valid).toBe(true);
    });

    it('filters with since (strictly after) and keeps it in the links', async () => {
      const since = '2024-06-04T00:00:00Z';
      const response = await get(`${clrs}?since=${encodeURIComponent('2024-06-04T02:00:00+02:00')}&limit=1`);
      expect(response.status).toBe(200);
      expect(response.headers['x-total-count']).toBe('3');
      const links = parseLinks(response.headers['link']);
      expect(links['next']).toBe(
        `${BASE}${clrs}?limit=1&offset=1&since=${encodeURIComponent('2024-06-04T00:00:00.000Z')}`,
      );
      expect(links['last']).toContain('offset=2');
      const all = await get(`${clrs}?since=${since}`);
      expect(all.headers['x-total-count']).toBe('3');
      const empty = await get(`${clrs}?since=2030-01-01T00:00:00Z`);
      expect(empty.headers['x-total-count']).toBe('0');
      expect(json(empty)).toEqual({
        '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      });
      expect(parseLinks(empty.headers['link'])).toEqual({
        first: `${BASE}${clrs}?limit=100&offset=0&since=2030-01-01T00%3A00%3A00.000Z`,
        last: `${BASE}${clrs}?limit=100&offset=0&since=2030-01-01T00%3A00%3A00.000Z`,
      });
    });

    it('serves a limit over 1000 as a page of 1000 (CLR 1.0 sets no largest limit)', async () => {
      const response = await get(`${clrs}?limit=5000`);
      expect(response.status).toBe(200);
      expect(parseLinks(response.headers['link']).first).toBe(`${BASE}${clrs}?limit=1000&offset=0`);
    });

    it.each([
      ['limit=0', /limit must be an integer from 1 to 2147483647/],
      ['limit=2147483648', /limit must be an integer from 1 to 2147483647/],
      ['limit=ten', /limit must be an integer/],
      ['offset=-1', /offset must be an integer/],
      ['limit=1&limit=2', /limit must be given once/],
      ['since=2024-06-01T00:00:00', /since must be an ISO 8601 date-time with a time zone/],
      ['since=yesterday', /since must be an ISO 8601 date-time with a time zone/],
    ])('answers 400 invalid_query_parameter to %s', async (query, reason) => {
      const response = await get(`${clrs}?${query}`);
      await expectImsx(response, 400, 'invalid_query_parameter');
      expect(json(response)['imsx_description']).toMatch(reason);
    });

    it('answers 304 to If-None-Match and 406 to a wrong Accept', async () => {
      const etag = (await get(`${clrs}?limit=3`)).headers['etag'];
      const again = await get(`${clrs}?limit=3`).set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.headers['x-total-count']).toBe('6');
      await expectImsx(await get(clrs).set('Accept', 'text/html'), 406, 'not_acceptable');
    });

    it('refuses postClr and deleteClr with 405 and an imsx body', async () => {
      const post = await request(url).post(clrs).set('Content-Type', LD).send('{}');
      await expectImsx(post, 405, 'not_allowed');
      expect(post.headers['allow']).toBe('GET, HEAD');
      await expectImsx(await request(url).delete(pathOf(seeded.main.clrId)), 405, 'not_allowed');
    });
  });

  describe('GET /clrs/{id} (getClr)', () => {
    let token: string;
    beforeAll(async () => {
      token = await issuer.token({ scope: CLR_SCOPES.readonly });
    });
    const get = (target: string) => request(url).get(target).set('Authorization', `Bearer ${token}`);

    it('serves the latest version as a Clr with @context, as signed', async () => {
      const response = await get(pathOf(seeded.main.clrId)).set('Accept', LD);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers['vary']).toMatch(/Authorization/);
      const body = json(response);
      await expectValid('getClr', body);
      expect(body).toMatchObject({ id: seeded.main.clrId, issuedOn: seeded.main.issuedOn });
      expect(body['verification']).toEqual({ type: 'Signed', creator: seeded.urls.keyUrl(seeded.oldKid) });
      // Version 2: three assertions, two signed and one hosted; the vanished one is gone.
      expect((body['signedAssertions'] as string[]).length).toBe(2);
      expect((body['assertions'] as { id: string }[]).map((a) => a.id)).toEqual([
        seeded.main.hostedAssertion,
      ]);
    });

    it('serves an unsigned version from its JSON', async () => {
      const unsigned = seeded.listed.find((clr) => !clr.signed)!;
      const response = await get(pathOf(unsigned.clrId));
      expect(response.status).toBe(200);
      const body = json(response);
      await expectValid('getClr', body);
      expect(body['verification']).toBeUndefined();
      expect(body['assertions']).toHaveLength(1);
    });

    it('answers 410 Gone with the revoked stub for a revoked CLR', async () => {
      const response = await get(pathOf(seeded.revoked.clrId)).set('Accept', LD);
      expect(response.status).toBe(410);
      const body = json(response);
      await expectValid('getClr', body);
      expect(body).toMatchObject({ id: seeded.revoked.clrId, revoked: true });
      expect(body).not.toHaveProperty('assertions');
      expect(body).not.toHaveProperty('signedAssertions');
      expect(JSON.stringify(body)).not.toContain('students.test-university.example');
    });

    it('answers the same 404 for unknown and malformed ids', async () => {
      const unknown = await get(`${API}/clrs/${'0'.repeat(32)}`);
      await expectImsx(unknown, 404, 'unknown');
      for (const id of ['S-1', encodeURIComponent(seeded.main.clrId), 'institution']) {
        const malformed = await get(`${API}/clrs/${id}`);
        expect({ id, status: malformed.status, body: malformed.text }).toEqual({
          id,
          status: 404,
          body: unknown.text,
        });
      }
    });

    it('answers 304 to If-None-Match and 406 to a wrong Accept', async () => {
      const path = pathOf(seeded.main.clrId);
      const etag = (await get(path)).headers['etag'];
      expect((await get(path).set('If-None-Match', etag)).status).toBe(304);
      await expectImsx(await get(path).set('Accept', 'application/xml'), 406, 'not_acceptable');
    });
  });

  describe('anything else under /ims/clr/v1p0', () => {
    it('answers 404 with an imsx body, listing nothing', async () => {
      for (const path of [
        '/keys',
        '/assertions',
        '/profiles',
        '/revocations',
        '/endorsements/x',
        '/keys/a/b',
        '',
      ]) {
        await expectImsx(await request(url).get(`${API}${path}`), 404, 'unknown');
      }
    });
  });

  describe('failures of the publisher', () => {
    it('answer 500 with an imsx body that carries no internals', async () => {
      // Last: a version whose stored JWS is damaged makes this learner's reads fail.
      const store = apps[0].get(PublisherStore);
      const latest = (await store.versions.latestVersion(seeded.listed[1].learnerRef))!;
      await store.versions.storeVersion({
        ...latest,
        version: latest.version + 1,
        signedPayload: 'not.a.jws',
        keyId: latest.keyId,
        runId: null,
      });
      const token = await issuer.token({ scope: CLR_SCOPES.readonly });
      const response = await request(url).get(pathOf(latest.clrId)).set('Authorization', `Bearer ${token}`);
      await expectImsx(response, 500, 'internal_server_error');
      expect(json(response)['imsx_description']).toBe('The publisher failed to answer this request');
      expect(response.text).not.toMatch(/version|jws|payload|[0-9a-f]{8}-[0-9a-f]{4}/i);
    });
  });
});

/** `<url>; rel="name"` pairs of a Link header, by relation. */
function parseLinks(header: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const part of header.split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;\s*rel="([^"]+)"$/.exec(part.trim());
    if (match) links[match[2]] = match[1];
  }
  return links;
}
