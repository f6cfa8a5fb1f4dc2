import { CLR_SCOPES } from '@app/clr';
import { type RunningStandInProvider } from '@app/provider';
import {
  closedPortUrl,
  credentialsFor,
  READER,
  startProvider,
  tcpServer,
  validPayload,
} from '../delivery.test-kit';
import { OAuthTokenClient } from '../oauth/oauth-token.client';
import { type PostClrOutcome } from './post-clr-outcome';
import { PostClrClient, type PostClrTarget } from './post-clr.client';

let provider: RunningStandInProvider;
let tokens: OAuthTokenClient;
let client: PostClrClient;
let target: PostClrTarget;

beforeAll(async () => {
  provider = await startProvider();
  target = { baseUrl: provider.baseUrl, credentials: credentialsFor(provider) };
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.state.reset();
  tokens = new OAuthTokenClient();
  client = new PostClrClient(tokens, { timeoutMs: 5000 });
});

/** The posts the provider saw, as [status, outcome]. */
function seen(): [number, string][] {
  return provider.state.receivedPosts().map((post) => [post.status, post.outcome]);
}

/** Personal data of the fixture that must never appear in an outcome's error text. */
function expectNoPersonalData(outcome: PostClrOutcome): void {
  for (const value of ['Ada', 'Example', 'S-000123', 'students.example.edu']) {
    expect(outcome.kind === 'delivered' ? '' : outcome.error).not.toContain(value);
  }
}

describe('PostClrClient against the stand-in provider', () => {
  it('delivers: 201 created, then 200 replaced for the same Clr id, reusing one token', async () => {
    const payload = validPayload('delivered');
    expect(await client.post(target, payload)).toEqual({
      kind: 'delivered',
      status: 201,
      result: 'created',
      tokenRefreshed: false,
    });
    expect(await client.post(target, payload)).toEqual({
      kind: 'delivered',
      status: 200,
      result: 'replaced',
      tokenRefreshed: false,
    });
    expect(provider.state.getClr(payload.clr.id)?.payload).toEqual(payload);
    expect(provider.state.tokenRequests).toBe(1);
  });

  it('sends application/ld+json with Accept application/ld+json (the provider answers 406 to anything else)', async () => {
    await client.post(target, validPayload('headers'));
    expect(seen()).toEqual([[201, 'created']]);
    const token = await tokens.getToken(target.credentials);
    const wrongAccept = await fetch(provider.endpoints.clrsUrl, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token.value}`,
        'Content-Type': 'application/ld+json',
        Accept: 'application/json',
      },
      body: JSON.stringify(validPayload('headers')),
    });
    expect(wrongAccept.status).toBe(406);
  });

  it('rejects an invalid payload (400) keeping the parsed imsx_StatusInfo, with no personal data in the error', async () => {
    const payload = validPayload('invalid');
    (payload.clr as { issuedOn?: string }).issuedOn = 'yesterday';
    const outcome = await client.post(target, payload);
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_data',
      status: 400,
      error: 'HTTP 400 from provider (failure/error [invalid_data])',
      imsx: {
        conforming: true,
        codeMajor: 'failure',
        severity: 'error',
        codeMinors: [{ value: 'invalid_data', known: true, fieldName: 'stand-in-clr-provider' }],
        description: expect.stringContaining('$.clr.issuedOn'),
      },
    });
    expectNoPersonalData(outcome);
    // The body as received, for the delivery record.
    const body = outcome.kind === 'rejected' ? outcome.imsxBody : undefined;
    expect(JSON.parse(body ?? 'null')).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error' });
  });

  it('keeps no imsxBody when the error answer is not a JSON object', async () => {
    const server = await tcpServer((socket) =>
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope'),
    );
    try {
      const outcome = await client.post({ ...target, baseUrl: server.url }, validPayload('text'));
      expect(outcome).toMatchObject({ kind: 'rejected', reason: 'invalid_data', status: 400 });
      expect(outcome.kind === 'rejected' ? outcome.imsxBody : 'n/a').toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it.each([
    [500, undefined, 'server_error', undefined],
    [503, '30', 'server_error', 30],
    [429, '5', 'rate_limited', 5],
    [502, undefined, 'server_error', undefined],
  ])('classifies %i (Retry-After %p) as retryable %s', async (status, retryAfter, reason, seconds) => {
    await fetch(`${provider.baseUrl}/_provider/faults`, {
      method: 'POST',
      body: JSON.stringify({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) }),
    });
    const outcome = await client.post(target, validPayload('fault'));
    expect(outcome).toMatchObject({ kind: 'retryable', reason, status });
    expect(outcome.kind === 'retryable' ? outcome.retryAfterSeconds : 'n/a').toBe(seconds);
    expectNoPersonalData(outcome);
  });

  it('reads a Retry-After HTTP-date as seconds from now', async () => {
    provider.state.injectFault({ status: 429, retryAfter: new Date(Date.now() + 120_000).toUTCString() });
    const outcome = await client.post(target, validPayload('date'));
    if (outcome.kind !== 'retryable') throw new Error(`expected retryable, got ${outcome.kind}`);
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it('refreshes the token once on a 401 and sends again', async () => {
    await tokens.getToken(target.credentials);
    provider.state.rejectNextTokens(1);
    const outcome = await client.post(target, validPayload('refresh'));
    expect(outcome).toEqual({ kind: 'delivered', status: 201, result: 'created', tokenRefreshed: true });
    expect(seen()).toEqual([
      [401, 'unauthorized'],
      [201, 'created'],
    ]);
    expect(provider.state.tokenRequests).toBe(2);
  });

  it('gives up after one refresh when the provider keeps answering 401', async () => {
    provider.state.rejectNextTokens(5);
    const outcome = await client.post(target, validPayload('refused'));
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'unauthorized',
      status: 401,
      tokenRefreshed: true,
    });
    expect(seen()).toEqual([
      [401, 'unauthorized'],
      [401, 'unauthorized'],
    ]);
  });

  it('rejects with forbidden when the token lacks the replace scope (403)', async () => {
    const readerTarget = {
      baseUrl: provider.baseUrl,
      credentials: credentialsFor(provider, READER, [CLR_SCOPES.readonly]),
    };
    const outcome = await client.post(readerTarget, validPayload('forbidden'));
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'forbidden',
      status: 403,
      imsx: { codeMinors: [{ value: 'forbidden' }] },
    });
  });

  it('rejects with token_rejected when the client may not have the replace scope at all', async () => {
    const readerTarget = {
      baseUrl: provider.baseUrl,
      credentials: credentialsFor(provider, READER, [CLR_SCOPES.replace]),
    };
    expect(await client.post(readerTarget, validPayload('no-scope'))).toMatchObject({
      kind: 'rejected',
      reason: 'token_rejected',
      status: 400,
      error: 'Token request refused: HTTP 400 invalid_scope',
    });
    expect(seen()).toEqual([]);
  });

  it('rejects with token_rejected for a wrong client secret', async () => {
    const wrong = { ...target, credentials: { ...target.credentials, clientSecret: 'wrong' } };
    expect(await client.post(wrong, validPayload('wrong'))).toMatchObject({
      kind: 'rejected',
      reason: 'token_rejected',
      status: 401,
      oauthError: 'invalid_client',
    });
  });

  it.each([
    [406, 'not_acceptable'],
    [404, 'not_supported'],
    [413, 'payload_too_large'],
    [409, 'client_error'],
    [501, 'not_supported'],
  ])('classifies %i as rejected %s', async (status, reason) => {
    provider.state.injectFault({ status });
    expect(await client.post(target, validPayload('status'))).toMatchObject({
      kind: 'rejected',
      reason,
      status,
    });
  });

  it('times out a slow provider as retryable timeout', async () => {
    provider.state.injectFault({ delayMs: 1000 });
    const impatient = new PostClrClient(tokens, { timeoutMs: 200 });
    expect(await impatient.post(target, validPayload('slow'))).toEqual({
      kind: 'retryable',
      reason: 'timeout',
      error: 'postClr: timed out after 200 ms',
      tokenRefreshed: false,
    });
  });

  it('classifies a refused connection as retryable connection', async () => {
    const down = { ...target, baseUrl: await closedPortUrl() };
    expect(await client.post(down, validPayload('down'))).toEqual({
      kind: 'retryable',
      reason: 'connection',
      error: expect.stringContaining('ECONNREFUSED'),
      tokenRefreshed: false,
    });
  });

  it('classifies a connection reset mid-request as retryable connection', async () => {
    const resetting = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    try {
      const outcome = await client.post({ ...target, baseUrl: resetting.url }, validPayload('reset'));
      expect(outcome).toMatchObject({
        kind: 'retryable',
        reason: 'connection',
        error: expect.stringContaining('connection reset'),
      });
    } finally {
      await resetting.close();
    }
  });

  it('classifies an unreachable token endpoint as retryable token_unavailable', async () => {
    const down = {
      ...target,
      credentials: { ...target.credentials, tokenUrl: `${await closedPortUrl()}/oauth/token` },
    };
    expect(await client.post(down, validPayload('token-down'))).toMatchObject({
      kind: 'retryable',
      reason: 'token_unavailable',
    });
  });

  it('rejects an unusable target URL without sending anything', async () => {
    expect(
      await client.post({ ...target, baseUrl: 'http://provider.example.org' }, validPayload('x')),
    ).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_target',
      error: 'The provider base URL must use https',
    });
    expect(await client.post({ ...target, baseUrl: 'not a url' }, validPayload('x'))).toMatchObject({
      reason: 'invalid_target',
    });
  });

  it('does not read the echo of a delivered payload (a response bound smaller than the echo still delivers)', async () => {
    const small = new PostClrClient(tokens, { maxResponseBytes: 16 });
    expect(await small.post(target, validPayload('echo'))).toMatchObject({ kind: 'delivered', status: 201 });
  });

  it('keeps a truncated error body out of the imsx parse', async () => {
    const small = new PostClrClient(tokens, { maxResponseBytes: 16 });
    provider.state.injectFault({ status: 400 });
    const outcome = await small.post(target, validPayload('truncated'));
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'invalid_data', imsx: { conforming: false } });
  });

  it('reports a caller abort as retryable aborted', async () => {
    provider.state.injectFault({ delayMs: 1000 });
    const controller = new AbortController();
    const pending = client.post(target, validPayload('aborted'), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'retryable', reason: 'aborted' });
  });
});
