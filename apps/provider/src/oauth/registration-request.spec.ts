import { CLR_SCOPES } from '@app/clr';
import { checkRegistrationRequest } from './registration-request';

const publisher = {
  client_name: 'Example District CLR Publisher',
  client_uri: 'https://clr.example.edu/',
  software_id: 'clr-publisher',
  software_version: '0.1.0',
  grant_types: ['client_credentials'],
  scope: CLR_SCOPES.replace,
};

const consumer = {
  client_name: 'Example Wallet',
  client_uri: 'https://wallet.example.org/',
  logo_uri: 'https://wallet.example.org/logo.png',
  tos_uri: 'https://wallet.example.org/tos',
  policy_uri: 'https://wallet.example.org/privacy',
  software_id: 'wallet',
  software_version: '2.0',
  redirect_uris: ['https://wallet.example.org/callback'],
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: `${CLR_SCOPES.readonly} offline_access`,
};

describe('checkRegistrationRequest', () => {
  it('accepts a client-credentials publisher without logo, terms, policy or redirect URIs', () => {
    const check = checkRegistrationRequest(publisher);
    expect(check).toEqual({
      ok: true,
      registration: expect.objectContaining({
        grantTypes: ['client_credentials'],
        responseTypes: [],
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        scopes: [CLR_SCOPES.replace],
      }),
    });
  });

  it('accepts an OB 2.1-style authorization-code consumer (as OCP registers)', () => {
    const check = checkRegistrationRequest(consumer);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.registration.scopes).toEqual([CLR_SCOPES.readonly, 'offline_access']);
  });

  it('defaults to authorization_code with response type code (RFC 7591) and to every CLR scope', () => {
    const check = checkRegistrationRequest({
      ...consumer,
      grant_types: undefined,
      response_types: undefined,
      scope: undefined,
    });
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.registration.grantTypes).toEqual(['authorization_code']);
      expect(check.registration.responseTypes).toEqual(['code']);
      expect(check.registration.scopes).toEqual([CLR_SCOPES.readonly, CLR_SCOPES.replace, CLR_SCOPES.delete]);
    }
  });

  it.each([
    ['a non-object', [], 'invalid_client_metadata', 'must be a JSON object'],
    [
      'an unknown grant type',
      { ...publisher, grant_types: ['password'] },
      'invalid_client_metadata',
      'password',
    ],
    ['empty grant types', { ...publisher, grant_types: [] }, 'invalid_client_metadata', 'must not be empty'],
    [
      'refresh_token alone',
      { ...publisher, grant_types: ['client_credentials', 'refresh_token'] },
      'invalid_client_metadata',
      'needs authorization_code',
    ],
    [
      'a missing client_name',
      { ...publisher, client_name: undefined },
      'invalid_client_metadata',
      'client_name',
    ],
    [
      'a missing software_version',
      { ...publisher, software_version: '' },
      'invalid_client_metadata',
      'software_version',
    ],
    [
      'a relative client_uri',
      { ...publisher, client_uri: '/home' },
      'invalid_client_metadata',
      'client_uri must be an absolute URL',
    ],
    [
      'plain http to a remote host',
      { ...publisher, client_uri: 'http://clr.example.edu/' },
      'invalid_client_metadata',
      'must use https',
    ],
    [
      'an unknown scope',
      { ...publisher, scope: 'admin' },
      'invalid_client_metadata',
      'unknown value(s): admin',
    ],
    [
      'offline_access without refresh_token',
      { ...publisher, scope: `${CLR_SCOPES.replace} offline_access` },
      'invalid_client_metadata',
      'offline_access',
    ],
    [
      'a scope that is not a string',
      { ...publisher, scope: [CLR_SCOPES.replace] },
      'invalid_client_metadata',
      'space-separated string',
    ],
    [
      'auth method none',
      { ...publisher, token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
      'token_endpoint_auth_method',
    ],
    [
      'response types without authorization_code',
      { ...publisher, response_types: ['code'] },
      'invalid_client_metadata',
      'response_types must be empty',
    ],
    [
      'a consumer without a logo',
      { ...consumer, logo_uri: undefined },
      'invalid_client_metadata',
      'logo_uri',
    ],
    [
      'a consumer with response type token',
      { ...consumer, response_types: ['token'] },
      'invalid_client_metadata',
      'response_types must be ["code"]',
    ],
    [
      'a consumer without redirect URIs',
      { ...consumer, redirect_uris: [] },
      'invalid_redirect_uri',
      'redirect_uris is required',
    ],
    [
      'a redirect URI with a fragment',
      { ...consumer, redirect_uris: ['https://wallet.example.org/cb#x'] },
      'invalid_redirect_uri',
      'fragment',
    ],
    [
      'a redirect URI on another host',
      { ...consumer, redirect_uris: ['https://evil.example.net/cb'] },
      'invalid_redirect_uri',
      'same hostname',
    ],
    [
      'a policy on another host',
      { ...consumer, policy_uri: 'https://other.example.net/p' },
      'invalid_client_metadata',
      'policy_uri must have the same hostname',
    ],
  ])('refuses %s', (_name, body, error, text) => {
    const check = checkRegistrationRequest(body);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.error).toBe(error);
      expect(check.description).toContain(text);
    }
  });

  it('allows plain http on loopback hosts (the demo and tests)', () => {
    expect(checkRegistrationRequest({ ...publisher, client_uri: 'http://127.0.0.1:3000/' }).ok).toBe(true);
  });
});
