import { CLR_SCOPES } from '@app/clr';
import { type RunningStandInProvider } from '@app/provider';
import { closedPortUrl, credentialsFor, READER, startProvider, tcpServer } from '../delivery.test-kit';
import { DeliveryError } from '../errors/delivery-error';
import { OAuthTokenClient } from './oauth-token.client';

let provider: RunningStandInProvider;

beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());
beforeEach(() => provider.state.reset());

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('OAuthTokenClient', () => {
  it('fetches a token once and serves it from the cache afterwards', async () => {
    const tokens = new OAuthTokenClient();
    const credentials = credentialsFor(provider);
    const first = await tokens.getToken(credentials);
    const second = await tokens.getToken(credentials);
    expect(second.value).toBe(first.value);
    expect(provider.state.tokenRequests).toBe(1);
    expect(tokens.requestCount).toBe(1);
    expect(first.scopes).toEqual([CLR_SCOPES.replace]);
  });

  it('shares one request between concurrent callers', async () => {
    const tokens = new OAuthTokenClient();
    const credentials = credentialsFor(provider);
    const values = await Promise.all(Array.from({ length: 8 }, () => tokens.getToken(credentials)));
    expect(new Set(values.map((token) => token.value)).size).toBe(1);
    expect(provider.state.tokenRequests).toBe(1);
  });

  it('caches per client and per scope set', async () => {
    const tokens = new OAuthTokenClient();
    await tokens.getToken(credentialsFor(provider));
    await tokens.getToken(credentialsFor(provider, undefined, [CLR_SCOPES.replace, CLR_SCOPES.readonly]));
    await tokens.getToken(credentialsFor(provider, undefined, [CLR_SCOPES.readonly, CLR_SCOPES.replace]));
    await tokens.getToken(credentialsFor(provider, READER, [CLR_SCOPES.readonly]));
    expect(provider.state.tokenRequests).toBe(3);
  });

  it('refreshes before expiry: skew seconds before expires_in runs out (at most half the lifetime)', async () => {
    provider.state.setTokenTtl(120);
    let now = Date.parse('2025-01-01T00:00:00Z');
    const tokens = new OAuthTokenClient({ refreshSkewMs: 30_000, now: () => now });
    const credentials = credentialsFor(provider);
    const first = await tokens.getToken(credentials);
    expect(first.expiresAt - now).toBe(120_000);
    now += 89_999;
    expect((await tokens.getToken(credentials)).value).toBe(first.value);
    now += 1;
    const second = await tokens.getToken(credentials);
    expect(second.value).not.toBe(first.value);
    expect(provider.state.tokenRequests).toBe(2);

    // A 4 s token with a 30 s skew is refreshed after half its life, not on every call.
    provider.state.setTokenTtl(4);
    tokens.clear();
    const short = await tokens.getToken(credentials);
    now += 1999;
    expect((await tokens.getToken(credentials)).value).toBe(short.value);
    now += 1;
    expect((await tokens.getToken(credentials)).value).not.toBe(short.value);
  });

  it('invalidate() drops the refused token once, so a second caller with the same 401 does not refresh again', async () => {
    const tokens = new OAuthTokenClient();
    const credentials = credentialsFor(provider);
    const refused = await tokens.getToken(credentials);
    tokens.invalidate(credentials, refused.value);
    const fresh = await tokens.getToken(credentials);
    tokens.invalidate(credentials, refused.value);
    expect((await tokens.getToken(credentials)).value).toBe(fresh.value);
    expect(provider.state.tokenRequests).toBe(2);
  });

  it('reports a wrong secret as token_rejected invalid_client, not retryable', async () => {
    const error = await failure(
      new OAuthTokenClient().getToken({ ...credentialsFor(provider), clientSecret: 'wrong' }),
    );
    expect(error).toMatchObject({
      code: 'token_rejected',
      retryable: false,
      details: { status: 401, oauthError: 'invalid_client' },
    });
    expect(error.message).not.toContain('wrong');
  });

  it('reports a scope the client may not have as token_rejected invalid_scope', async () => {
    const error = await failure(
      new OAuthTokenClient().getToken(credentialsFor(provider, READER, [CLR_SCOPES.replace])),
    );
    expect(error).toMatchObject({
      code: 'token_rejected',
      details: { status: 400, oauthError: 'invalid_scope' },
    });
  });

  it('does not cache failures', async () => {
    const tokens = new OAuthTokenClient();
    await failure(tokens.getToken({ ...credentialsFor(provider), clientSecret: 'wrong' }));
    await failure(tokens.getToken({ ...credentialsFor(provider), clientSecret: 'wrong' }));
    expect(provider.state.tokenRequests).toBe(2);
  });

  it('reports a refused connection as unreachable and a silent server as unreachable after the timeout', async () => {
    const refused = await failure(
      new OAuthTokenClient().getToken({
        ...credentialsFor(provider),
        tokenUrl: `${await closedPortUrl()}/oauth/token`,
      }),
    );
    expect(refused).toMatchObject({ code: 'unreachable', retryable: true });

    const silent = await tcpServer();
    try {
      const timedOut = await failure(
        new OAuthTokenClient({ timeoutMs: 200 }).getToken({
          ...credentialsFor(provider),
          tokenUrl: `${silent.url}/token`,
        }),
      );
      expect(timedOut).toMatchObject({
        code: 'unreachable',
        message: 'Token request: timed out after 200 ms',
      });
    } finally {
      await silent.close();
    }
  });

  it('refuses a token answer that is not a bearer token', async () => {
    const server = await tcpServer((socket) => {
      socket.once('data', () => {
        const body = JSON.stringify({ access_token: 'abc', token_type: 'mac', expires_in: 60 });
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
      });
    });
    try {
      const error = await failure(
        new OAuthTokenClient().getToken({ ...credentialsFor(provider), tokenUrl: `${server.url}/token` }),
      );
      expect(error).toMatchObject({
        code: 'token_invalid',
        message: 'Token answer unusable: token_type is not Bearer',
      });
    } finally {
      await server.close();
    }
  });
});
