import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readTestPem } from '../signing/signing.test-kit';
import { HttpKeyResolver, isLoopbackHost } from './http-key.resolver';
import { buildCryptographicKey, buildRevocationList } from './key-documents';
import { KeyResolutionError } from './key-resolver';

type Handler = (
  path: string,
  headers: IncomingHttpHeaders,
  respond: (status: number, body?: string, headers?: Record<string, string>) => void,
) => void;

/** A real HTTP server on 127.0.0.1: the resolver's network edge, not a mock of fetch. */
describe('HttpKeyResolver', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      handler(request.url ?? '/', request.headers, (status, body, headers) => {
        response.writeHead(status, { 'content-type': 'application/ld+json', ...headers });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const keyDoc = (url: string) =>
    buildCryptographicKey({
      keyUrl: url,
      ownerId: 'https://clr.example.edu/profiles/i',
      publicKeyPem: readTestPem('test-issuer-rsa2048', 'public'),
    });

  /** A revocation list published at `path` of the test server, as JSON. */
  const listJson = (path: string, revokedIds: string[]) =>
    JSON.stringify(buildRevocationList({ url: `${base}${path}`, issuerId: 'urn:i', revokedIds }));

  async function failure(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'resolved';
    } catch (error) {
      return error instanceof KeyResolutionError
        ? `${error.code}: ${error.message}`
        : `other: ${String(error)}`;
    }
  }

  it('fetches a key from a loopback host over http, asking for application/ld+json', async () => {
    handler = (path, _headers, respond) => respond(200, JSON.stringify(keyDoc(`${base}${path}`)));
    const key = await new HttpKeyResolver().getKey(`${base}/keys/k1`);
    expect(key.owner).toBe('https://clr.example.edu/profiles/i');
    expect(seen[0]?.accept).toContain('application/ld+json');
  });

  it('fetches a revocation list', async () => {
    handler = (path, _headers, respond) => respond(200, listJson(path, ['urn:a']));
    await expect(new HttpKeyResolver().getRevocationList(`${base}/revocations/k1`)).resolves.toMatchObject({
      revokedAssertions: ['urn:a'],
    });
  });

  it('follows a redirect and checks the document id against the requested URL', async () => {
    handler = (path, _headers, respond) =>
      path === '/old'
        ? respond(301, '', { location: '/new' })
        : respond(200, JSON.stringify(keyDoc(`${base}/old`)));
    await expect(new HttpKeyResolver().getKey(`${base}/old`)).resolves.toMatchObject({ id: `${base}/old` });
  });

  it('refuses a key served under another id', async () => {
    handler = (_path, _headers, respond) =>
      respond(200, JSON.stringify(keyDoc('https://elsewhere.example/k')));
    await expect(failure(new HttpKeyResolver().getKey(`${base}/keys/k1`))).resolves.toBe(
      `id-mismatch: key document at ${base}/keys/k1 has id https://elsewhere.example/k`,
    );
  });

  it('refuses plain http to a host that is not loopback, without fetching', async () => {
    await expect(failure(new HttpKeyResolver().getKey('http://clr.example.edu/keys/k1'))).resolves.toBe(
      'refused-url: refusing http: URL http://clr.example.edu/keys/k1: keys and revocation lists must be fetched over https',
    );
  });

  it('refuses a redirect to plain http on another host', async () => {
    handler = (_path, _headers, respond) => respond(302, '', { location: 'http://clr.example.edu/keys/k1' });
    await expect(failure(new HttpKeyResolver().getKey(`${base}/keys/k1`))).resolves.toBe(
      `refused-url: refusing http: URL http://clr.example.edu/keys/k1: keys and revocation lists must be fetched over https`,
    );
  });

  it('refuses other schemes and relative URLs', async () => {
    await expect(failure(new HttpKeyResolver().getKey('file:///etc/passwd'))).resolves.toMatch(
      /^refused-url: refusing file: URL/,
    );
    await expect(failure(new HttpKeyResolver().getKey('/keys/k1'))).resolves.toBe(
      'refused-url: not an absolute URL: /keys/k1',
    );
  });

  it('says not-found for 404, unavailable for 500 and 429 (may pass), refused for another 4xx', async () => {
    const statuses: Record<string, number> = { '/gone': 404, '/boom': 500, '/busy': 429, '/private': 403 };
    handler = (path, _headers, respond) => respond(statuses[path] ?? 200, '{}');
    await expect(failure(new HttpKeyResolver().getKey(`${base}/gone`))).resolves.toBe(
      `not-found: HTTP 404 fetching ${base}/gone`,
    );
    await expect(failure(new HttpKeyResolver().getKey(`${base}/boom`))).resolves.toBe(
      `unavailable: HTTP 500 fetching ${base}/boom`,
    );
    await expect(failure(new HttpKeyResolver().getKey(`${base}/busy`))).resolves.toBe(
      `unavailable: HTTP 429 fetching ${base}/busy`,
    );
    await expect(failure(new HttpKeyResolver().getKey(`${base}/private`))).resolves.toBe(
      `refused: HTTP 403 fetching ${base}/private`,
    );
  });

  it('refuses a body over the size limit, declared or streamed', async () => {
    handler = (_path, _headers, respond) => respond(200, 'x'.repeat(5000), { 'content-length': '5000' });
    await expect(failure(new HttpKeyResolver({ maxKeyBytes: 1000 }).getKey(`${base}/k`))).resolves.toBe(
      `too-large: response from ${base}/k declares 5000 bytes (limit 1000)`,
    );
    handler = (_path, _headers, respond) =>
      respond(200, 'x'.repeat(5000), { 'transfer-encoding': 'chunked' });
    await expect(failure(new HttpKeyResolver({ maxKeyBytes: 1000 }).getKey(`${base}/k`))).resolves.toBe(
      `too-large: response from ${base}/k exceeds 1000 bytes`,
    );
  });

  it('times out on a server that never answers', async () => {
    handler = () => undefined;
    await expect(failure(new HttpKeyResolver({ timeoutMs: 200 }).getKey(`${base}/slow`))).resolves.toBe(
      `timeout: no complete response from ${base}/slow within 200 ms`,
    );
  });

  it('says a body that is not JSON', async () => {
    handler = (_path, _headers, respond) => respond(200, '<html></html>');
    await expect(failure(new HttpKeyResolver().getKey(`${base}/k`))).resolves.toBe(
      `invalid-document: response from ${base}/k is not JSON`,
    );
  });

  it('says unavailable when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(failure(new HttpKeyResolver().getKey(`http://127.0.0.1:${port}/k`))).resolves.toBe(
      `unavailable: could not fetch http://127.0.0.1:${port}/k (ECONNREFUSED)`,
    );
  });

  it('reuses a document while its Cache-Control says it is fresh, and fetches it again after', async () => {
    let revoked = ['urn:a'];
    handler = (path, _headers, respond) =>
      path.startsWith('/keys/')
        ? respond(200, JSON.stringify(keyDoc(`${base}${path}`)), { 'cache-control': 'public, max-age=86400' })
        : respond(200, listJson(path, revoked), { 'cache-control': 'public, max-age=1' });
    const resolver = new HttpKeyResolver();
    await resolver.getKey(`${base}/keys/k1`);
    await resolver.getKey(`${base}/keys/k1`);
    await resolver.getRevocationList(`${base}/revocations/k1`);
    revoked = ['urn:a', 'urn:b'];
    const within = await resolver.getRevocationList(`${base}/revocations/k1`);
    expect(seen).toHaveLength(2);
    expect(within.revokedAssertions).toEqual(['urn:a']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await resolver.getRevocationList(`${base}/revocations/k1`);
    expect(after.revokedAssertions).toEqual(['urn:a', 'urn:b']);
    expect(seen).toHaveLength(3);
  });

  it.each([
    ['no caching headers', {}],
    ['no-store', { 'cache-control': 'no-store' }],
    ['no-cache', { 'cache-control': 'public, max-age=600, no-cache' }],
  ])('fetches every time a document with %s', async (_name, headers: Record<string, string>) => {
    handler = (path, _headers, respond) => respond(200, JSON.stringify(keyDoc(`${base}${path}`)), headers);
    const resolver = new HttpKeyResolver();
    await resolver.getKey(`${base}/keys/k2`);
    await resolver.getKey(`${base}/keys/k2`);
    expect(seen).toHaveLength(2);
  });

  it("keeps no answer that came through a redirect (its lifetime is the redirect's too)", async () => {
    handler = (path, _headers, respond) =>
      path === '/moved/k4'
        ? respond(302, '', { location: `${base}/keys/k4-v2`, 'cache-control': 'no-store' })
        : respond(200, JSON.stringify(keyDoc(`${base}/moved/k4`)), { 'cache-control': 'max-age=600' });
    const resolver = new HttpKeyResolver();
    await resolver.getKey(`${base}/moved/k4`);
    await resolver.getKey(`${base}/moved/k4`);
    expect(seen).toHaveLength(4);
  });

  it("serves a kept document only within the asking kind's size limit", async () => {
    handler = (path, _headers, respond) =>
      respond(200, listJson(path, ['urn:a']), { 'cache-control': 'max-age=600' });
    const resolver = new HttpKeyResolver({ maxKeyBytes: 100 });
    await resolver.getRevocationList(`${base}/docs/d1`);
    expect(await failure(resolver.getKey(`${base}/docs/d1`))).toMatch(/^too-large/);
    expect(seen).toHaveLength(2);
  });

  it('reuses a revocation list for at most its longest age, however long its headers allow', async () => {
    handler = (path, _headers, respond) =>
      respond(200, listJson(path, []), { 'cache-control': 'max-age=31536000' });
    const resolver = new HttpKeyResolver({ maxRevocationListAgeMs: 300 });
    await resolver.getRevocationList(`${base}/revocations/k5`);
    await resolver.getRevocationList(`${base}/revocations/k5`);
    expect(seen).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await resolver.getRevocationList(`${base}/revocations/k5`);
    expect(seen).toHaveLength(2);
  });

  it('keeps no error answers and nothing when its cache is off', async () => {
    let status = 503;
    handler = (path, _headers, respond) =>
      respond(status, JSON.stringify(keyDoc(`${base}${path}`)), { 'cache-control': 'max-age=600' });
    const resolver = new HttpKeyResolver();
    expect(await failure(resolver.getKey(`${base}/keys/k3`))).toMatch(/^unavailable/);
    status = 200;
    await resolver.getKey(`${base}/keys/k3`);
    expect(seen).toHaveLength(2);
    const uncached = new HttpKeyResolver({ cache: false });
    await uncached.getKey(`${base}/keys/k3`);
    await uncached.getKey(`${base}/keys/k3`);
    expect(seen).toHaveLength(4);
  });

  it('fetches profiles only when asked to', async () => {
    const profile = { id: `${base}/profiles/i`, type: 'Profile' };
    handler = (_path, _headers, respond) => respond(200, JSON.stringify(profile));
    expect(new HttpKeyResolver().getProfile).toBeUndefined();
    const resolver = new HttpKeyResolver({ resolveProfiles: true });
    await expect(resolver.getProfile?.(profile.id)).resolves.toEqual(profile);
    await expect(resolver.getProfile?.('urn:uuid:1')).resolves.toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['clr.example.edu', false],
    ['127.0.0.1.example.com', false],
    ['10.0.0.1', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
