import { codeMinorOf, fetchToken, postClrRaw, startTestProvider, validPayload } from '../provider.test-kit';
import { type RunningStandInProvider } from '../start-stand-in-provider';

let provider: RunningStandInProvider;
let token: string;

beforeAll(async () => {
  provider = await startTestProvider();
  token = await fetchToken(provider);
});
afterAll(() => provider.close());
beforeEach(() => provider.state.reset());

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${provider.baseUrl}/_provider${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('/_provider', () => {
  it('lists received posts in order and counts per Clr id', async () => {
    await postClrRaw(provider, token, validPayload('a'));
    await postClrRaw(provider, token, validPayload('b'));
    await postClrRaw(provider, token, validPayload('a'));
    const posts = (await (await control('GET', '/posts')).json()) as {
      seq: number;
      status: number;
      clrId: string;
    }[];
    expect(posts.map(({ seq, status, clrId }) => [seq, status, clrId.split('/').pop()])).toEqual([
      [1, 201, 'a'],
      [2, 201, 'b'],
      [3, 200, 'a'],
    ]);
    expect(await (await control('GET', '/counts')).json()).toEqual({
      'https://clr.example.edu/ims/clr/v1p0/clrs/a': { received: 2, accepted: 2 },
      'https://clr.example.edu/ims/clr/v1p0/clrs/b': { received: 1, accepted: 1 },
    });
  });

  it('answers the next N postClr requests with an injected status and Retry-After, then recovers', async () => {
    expect((await control('POST', '/faults', { status: 503, count: 2, retryAfter: 7 })).status).toBe(204);
    for (let i = 0; i < 2; i += 1) {
      const response = await postClrRaw(provider, token, validPayload('fault'));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(codeMinorOf(await response.json())).toBe('server_busy');
    }
    expect((await postClrRaw(provider, token, validPayload('fault'))).status).toBe(201);
    expect(provider.state.receivedPosts().map((post) => post.outcome)).toEqual(['fault', 'fault', 'created']);
  });

  it.each([
    [429, 'server_busy'],
    [500, 'internal_server_error'],
    [400, 'invalid_data'],
  ])('injects %i with code minor %s', async (status, codeMinor) => {
    await control('POST', '/faults', { status, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    const response = await postClrRaw(provider, token, validPayload('fault'));
    expect(response.status).toBe(status);
    expect(codeMinorOf(await response.json())).toBe(codeMinor);
    expect(provider.state.storedClrs()).toHaveLength(0);
  });

  it('delays a request and then processes it normally', async () => {
    await control('POST', '/faults', { delayMs: 50 });
    expect(((await (await control('GET', '/faults')).json()) as unknown[]).length).toBe(1);
    expect((await postClrRaw(provider, token, validPayload('slow'))).status).toBe(201);
    expect(await (await control('GET', '/faults')).json()).toEqual([]);
  });

  it('clears pending faults', async () => {
    await control('POST', '/faults', { status: 500, count: 5 });
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await postClrRaw(provider, token, validPayload('cleared'))).status).toBe(201);
  });

  it.each([
    [{}, 'a fault needs a status, a delayMs, or both'],
    [{ status: 200 }, 'status must be an HTTP error status'],
    [{ status: 500, count: 0 }, 'count must be an integer'],
    [{ delayMs: -1 }, 'delayMs must be an integer'],
  ])('refuses the fault script %p', async (body, reason) => {
    const response = await control('POST', '/faults', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { imsx_description: string }).imsx_description).toContain(reason);
  });

  it('forces a 401 invalid_token once for a valid token', async () => {
    await control('POST', '/reject-tokens', {});
    const rejected = await postClrRaw(provider, token, validPayload('rejected'));
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await postClrRaw(provider, token, validPayload('rejected'))).status).toBe(201);
  });

  it('overrides expires_in of new tokens, and null restores it', async () => {
    await control('PUT', '/token-ttl', { expiresIn: 2 });
    const issued = await fetch(provider.endpoints.tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from('test-publisher:test-publisher-secret').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(((await issued.json()) as { expires_in: number }).expires_in).toBe(2);
    await control('PUT', '/token-ttl', { expiresIn: null });
    expect(provider.state.tokenTtlSeconds).toBe(3600);
    expect((await control('PUT', '/token-ttl', { expiresIn: 0 })).status).toBe(400);
  });

  it('resets stored CLRs and the log, keeping clients and tokens unless asked for everything', async () => {
    await postClrRaw(provider, token, validPayload('x'));
    expect((await control('POST', '/reset')).status).toBe(204);
    const stats = (await (await control('GET', '/stats')).json()) as { storedClrs: number; posts: number };
    expect(stats).toEqual(expect.objectContaining({ storedClrs: 0, posts: 0 }));
    expect((await postClrRaw(provider, token, validPayload('x'))).status).toBe(201);

    await control('POST', '/reset', { everything: true });
    expect((await postClrRaw(provider, token, validPayload('x'))).status).toBe(401);
    expect(provider.state.clients.has('test-publisher')).toBe(true);
    token = await fetchToken(provider);
  });

  it('is absent when controlApi is false', async () => {
    const quiet = await startTestProvider({ controlApi: false });
    try {
      const response = await fetch(`${quiet.baseUrl}/_provider/posts`);
      expect(response.status).toBe(404);
      expect(codeMinorOf(await response.json())).toBe('unknown');
    } finally {
      await quiet.close();
    }
  });
});
