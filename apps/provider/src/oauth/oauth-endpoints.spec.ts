import { CLR_SCOPES } from '@app/clr';
import {
  basicAuth,
  codeMinorOf,
  fetchToken,
  POST_METHOD_CLIENT,
  PUBLISHER,
  READER,
  startTestProvider,
} from '../provider.test-kit';
import { type RunningStandInProvider } from '../start-stand-in-provider';

let provider: RunningStandInProvider;

beforeAll(async () => {
  provider = await startTestProvider({ accessTokenTtlSeconds: 120 });
});
afterAll(() => provider.close());

function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(provider.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
}

function register(body: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(provider.endpoints.registrationUrl, {
    method: 'POST',
    headers: { 'Content-Type': contentType, Accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('discovery', () => {
  it('serves a DiscoveryDocument built from its own base URL with the three CLR scopes', async () => {
    const response = await fetch(provider.endpoints.discoveryUrl, {
      headers: { Accept: 'application/ld+json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(await response.json()).toEqual({
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      name: 'Stand-in CLR Provider',
      authorizationUrl: `${provider.baseUrl}/oauth/authorize`,
      tokenUrl: `${provider.baseUrl}/oauth/token`,
      registrationUrl: `${provider.baseUrl}/oauth/register`,
      scopesOffered: [CLR_SCOPES.readonly, CLR_SCOPES.replace, CLR_SCOPES.delete],
      privacyPolicyUrl: `${provider.baseUrl}/about/privacy`,
      termsOfServiceUrl: `${provider.baseUrl}/about/terms`,
    });
    expect((await fetch(`${provider.baseUrl}/about/privacy`)).status).toBe(200);
  });

  it('tolerates clients that accept only application/json (as OCP asks for discovery)', async () => {
    const response = await fetch(provider.endpoints.discoveryUrl, {
      headers: { Accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers 406 with imsx not_acceptable to an Accept that allows no JSON', async () => {
    const response = await fetch(provider.endpoints.discoveryUrl, { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(406);
    expect(codeMinorOf(await response.json())).toBe('not_acceptable');
  });

  it('names publicBaseUrl instead of the bound address when configured', async () => {
    const proxied = await startTestProvider({ publicBaseUrl: 'https://provider.example.org/' });
    try {
      const response = await fetch(`${proxied.listenUrl}/ims/clr/v1p0/discovery`);
      const document = (await response.json()) as { tokenUrl: string };
      expect(document.tokenUrl).toBe('https://provider.example.org/oauth/token');
    } finally {
      await proxied.close();
    }
  });
});

describe('dynamic client registration', () => {
  const publisher = {
    client_name: 'Example CLR Publisher',
    client_uri: 'http://127.0.0.1:3000/',
    software_id: 'clr-publisher',
    software_version: '0.1.0',
    grant_types: ['client_credentials'],
    scope: CLR_SCOPES.replace,
  };

  it('registers a client-credentials publisher, answers 201 with credentials, and the credentials work', async () => {
    const response = await register(publisher);
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual(
      expect.objectContaining({
        client_id: expect.any(String),
        client_secret: expect.any(String),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        client_name: 'Example CLR Publisher',
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: CLR_SCOPES.replace,
      }),
    );
    const token = await fetchToken(provider, {
      clientId: body['client_id'] as string,
      clientSecret: body['client_secret'] as string,
    });
    expect(provider.state.tokens.get(token)?.scopes).toEqual([CLR_SCOPES.replace]);
  });

  it('refuses bad metadata with an RFC 7591 error body', async () => {
    const response = await register({ ...publisher, grant_types: ['password'] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: expect.stringContaining('password'),
    });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await fetch(provider.endpoints.registrationUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'The body is not valid JSON',
    });
    const wrongType = await register(publisher, 'text/plain');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error_description: string }).error_description).toContain(
      'Content-Type must be application/json',
    );
  });
});

describe('token endpoint', () => {
  it('issues a bearer token with expires_in and the client scopes for client_secret_basic', async () => {
    const response = await tokenRequest(
      { grant_type: 'client_credentials' },
      { Authorization: basicAuth(PUBLISHER.clientId, PUBLISHER.clientSecret) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_in: 120,
      scope: `${CLR_SCOPES.readonly} ${CLR_SCOPES.replace} ${CLR_SCOPES.delete}`,
    });
  });

  it('grants only the requested scope when one is asked for', async () => {
    const response = await tokenRequest(
      { grant_type: 'client_credentials', scope: CLR_SCOPES.replace },
      { Authorization: basicAuth(PUBLISHER.clientId, PUBLISHER.clientSecret) },
    );
    expect(((await response.json()) as { scope: string }).scope).toBe(CLR_SCOPES.replace);
  });

  it('accepts client_secret_post for a client registered with it', async () => {
    const response = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: POST_METHOD_CLIENT.clientId,
      client_secret: POST_METHOD_CLIENT.clientSecret,
    });
    expect(response.status).toBe(200);
  });

  it('answers 401 invalid_client with a Basic challenge for a wrong secret', async () => {
    const response = await tokenRequest(
      { grant_type: 'client_credentials' },
      { Authorization: basicAuth(PUBLISHER.clientId, 'wrong') },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it('answers 401 invalid_client without any client authentication', async () => {
    const response = await tokenRequest({ grant_type: 'client_credentials' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('refuses a method other than the registered one', async () => {
    const response = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: PUBLISHER.clientId,
      client_secret: PUBLISHER.clientSecret,
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(
      'client_secret_basic',
    );
  });

  it('refuses two authentication methods at once', async () => {
    const response = await tokenRequest(
      {
        grant_type: 'client_credentials',
        client_id: PUBLISHER.clientId,
        client_secret: PUBLISHER.clientSecret,
      },
      { Authorization: basicAuth(PUBLISHER.clientId, PUBLISHER.clientSecret) },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers invalid_scope for a scope the client was not registered for', async () => {
    const response = await tokenRequest(
      { grant_type: 'client_credentials', scope: CLR_SCOPES.replace },
      { Authorization: basicAuth(READER.clientId, READER.clientSecret) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_scope',
      error_description: expect.stringContaining(CLR_SCOPES.replace),
    });
  });

  it.each([
    [{ grant_type: 'password' }, 'unsupported_grant_type'],
    [{ grant_type: 'authorization_code', code: 'x' }, 'unauthorized_client'],
    [{}, 'invalid_request'],
  ])('answers 400 %p -> %s', async (body, error) => {
    const response = await tokenRequest(body, {
      Authorization: basicAuth(PUBLISHER.clientId, PUBLISHER.clientSecret),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('refuses a body that is not form-encoded', async () => {
    const response = await fetch(provider.endpoints.tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: basicAuth(PUBLISHER.clientId, PUBLISHER.clientSecret),
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('counts token requests, successful or not', async () => {
    provider.state.reset();
    await fetchToken(provider);
    await tokenRequest({ grant_type: 'client_credentials' });
    expect(provider.state.tokenRequests).toBe(2);
    expect(provider.state.tokensIssued).toBe(1);
  });
});
