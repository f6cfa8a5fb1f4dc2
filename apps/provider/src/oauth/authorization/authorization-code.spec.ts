import { createHash, randomBytes } from 'node:crypto';
import { CLR_SCOPES } from '@app/clr';
import { basicAuth, startTestProvider, validPayload, postClrRaw } from '../../provider.test-kit';
import { type RunningStandInProvider } from '../../start-stand-in-provider';

const REDIRECT = 'http://127.0.0.1:9/wallets/callback';

let provider: RunningStandInProvider;
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  provider = await startTestProvider({ accessTokenTtlSeconds: 120 });
  const response = await fetch(provider.endpoints.registrationUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      client_name: 'Publisher wallet link',
      client_uri: 'http://127.0.0.1:9/',
      logo_uri: 'http://127.0.0.1:9/logo.png',
      tos_uri: 'http://127.0.0.1:9/tos',
      policy_uri: 'http://127.0.0.1:9/privacy',
      software_id: 'clr-publisher',
      software_version: '1.0',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: `${CLR_SCOPES.replace} offline_access`,
    }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { client_id: string; client_secret: string };
  client = { clientId: body.client_id, clientSecret: body.client_secret };
});
afterAll(() => provider.close());
beforeEach(() => provider.state.reset());

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(overrides: Record<string, string | undefined> = {}): Promise<Response> {
  const url = new URL(provider.endpoints.authorizationUrl);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    scope: `${CLR_SCOPES.replace} offline_access`,
    state: 'opaque-state',
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return fetch(url, { redirect: 'manual' });
}

function token(body: Record<string, string>): Promise<Response> {
  return fetch(provider.endpoints.tokenUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basicAuth(client.clientId, client.clientSecret),
    },
    body: new URLSearchParams(body),
  });
}

async function codeFor(challenge: string): Promise<string> {
  const response = await authorize({ code_challenge: challenge });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe('opaque-state');
  return location.searchParams.get('code') ?? '';
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  scope: string;
}

describe('authorization endpoint', () => {
  it('consents at once and redirects to the registered URI with a code and the state', async () => {
    const { challenge } = pkce();
    const response = await authorize({ code_challenge: challenge });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe('opaque-state');
  });

  it('answers access_denied when the control API scripts a denial, then consents again', async () => {
    const denied = await fetch(`${provider.baseUrl}/_provider/deny-consent`, { method: 'POST' });
    expect(denied.status).toBe(204);
    const { challenge } = pkce();
    const response = await authorize({ code_challenge: challenge });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('state')).toBe('opaque-state');
    expect(await codeFor(challenge)).not.toBe('');
  });

  it('shows a 400 page (no redirect) for an unknown client or an unregistered redirect URI', async () => {
    const { challenge } = pkce();
    const unknown = await authorize({ client_id: 'nobody', code_challenge: challenge });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('client_id');
    const elsewhere = await authorize({
      redirect_uri: 'http://127.0.0.1:9/other',
      code_challenge: challenge,
    });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('redirect_uri');
  });

  it.each([
    [{ code_challenge: undefined }, 'invalid_request', 'code_challenge'],
    [{ code_challenge_method: 'plain' }, 'invalid_request', 'S256'],
    [{ response_type: 'token' }, 'unsupported_response_type', 'response_type'],
    [{ scope: CLR_SCOPES.delete }, 'invalid_scope', CLR_SCOPES.delete],
  ])('redirects back with an error for %p', async (overrides, error, named) => {
    const { challenge } = pkce();
    const response = await authorize({ code_challenge: challenge, ...overrides });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).toContain(named);
  });

  it('refuses the flow to a client registered only for client_credentials', async () => {
    const response = await authorize({ client_id: 'test-publisher', code_challenge: pkce().challenge });
    expect(response.status).toBe(400);
  });
});

describe('authorization_code and refresh_token grants', () => {
  it('trades a code with the right verifier for tokens that post CLRs', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Tokens;
    expect(tokens.scope).toBe(CLR_SCOPES.replace);
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await postClrRaw(provider, tokens.access_token, validPayload('ac-1'))).status).toBe(201);
  });

  it.each([
    ['a wrong verifier', (verifier: string) => ({ code_verifier: `${verifier.slice(1)}x` }), 'code_verifier'],
    ['no verifier', () => ({ code_verifier: '' }), 'code_verifier'],
    ['another redirect URI', () => ({ redirect_uri: 'http://127.0.0.1:9/other' }), 'redirect_uri'],
  ])('answers invalid_grant for %s', async (_name, change, named) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const response = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      ...change(verifier),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_grant');
    expect(body.error_description).toContain(named);
  });

  it('accepts a code once; a replay revokes the grant and its access token', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const request = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    };
    const first = (await (await token(request)).json()) as Tokens;
    const replay = await token(request);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error_description: string }).error_description).toContain(
      'already used',
    );
    expect((await postClrRaw(provider, first.access_token, validPayload('ac-2'))).status).toBe(401);
  });

  it('rotates refresh tokens: the new one works, the old one is refused', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const first = (await (
      await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
    ).json()) as Tokens;
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await postClrRaw(provider, second.access_token, validPayload('ac-3'))).status).toBe(201);
    const third = await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token ?? '' });
    expect(third.status).toBe(200);
  });

  it('answers invalid_grant to refreshes after /_provider/revoke-grants and rejects its access tokens', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const tokens = (await (
      await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })
    ).json()) as Tokens;
    const revoke = await fetch(`${provider.baseUrl}/_provider/revoke-grants`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: client.clientId }),
    });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked: string[] }).revoked.length).toBeGreaterThan(0);
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    const body = (await refresh.json()) as { error: string; error_description: string };
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'The authorization was revoked' });
    expect((await postClrRaw(provider, tokens.access_token, validPayload('ac-4'))).status).toBe(401);
    const grants = (await (await fetch(`${provider.baseUrl}/_provider/grants`)).json()) as {
      revoked: boolean;
    }[];
    expect(grants.every((grant) => grant.revoked)).toBe(true);
  });
});
