import { CLR_SCOPES } from '@app/clr';
import { type RunningStandInProvider } from '@app/provider';
import { closedPortUrl, startProvider } from '../delivery.test-kit';
import { DeliveryError } from '../errors/delivery-error';
import { OAuthTokenClient } from '../oauth/oauth-token.client';
import { ProviderDiscoveryClient } from '../discovery/provider-discovery.client';
import { authorizationCodeRegistration, clientCredentialsRegistration } from './client-registration';
import { DynamicRegistrationClient } from './dynamic-registration.client';

let provider: RunningStandInProvider;

beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());

const software = {
  clientName: 'Example District CLR Publisher',
  clientUri: 'http://127.0.0.1:3000/',
  softwareId: 'clr-publisher',
  softwareVersion: '0.1.0',
};
const registrations = new DynamicRegistrationClient({ timeoutMs: 2000 });

describe('DynamicRegistrationClient', () => {
  it('registers a client-credentials publisher found through discovery, and its credentials get a token', async () => {
    const discovery = await new ProviderDiscoveryClient().discover(provider.baseUrl);
    const credentials = await registrations.register(
      discovery.registrationUrl,
      clientCredentialsRegistration(software),
    );
    expect(credentials).toEqual(
      expect.objectContaining({
        clientId: expect.any(String),
        clientSecret: expect.any(String),
        clientIdIssuedAt: expect.any(Number),
        clientSecretExpiresAt: 0,
        tokenEndpointAuthMethod: 'client_secret_basic',
        grantTypes: ['client_credentials'],
        scopes: [CLR_SCOPES.replace],
      }),
    );
    const token = await new OAuthTokenClient().getToken({
      tokenUrl: discovery.tokenUrl,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      scopes: [CLR_SCOPES.replace],
    });
    expect(token.scopes).toEqual([CLR_SCOPES.replace]);
  });

  it('registers an authorization-code client the way OCP does', async () => {
    const request = authorizationCodeRegistration(
      {
        ...software,
        logoUri: 'http://127.0.0.1:3000/logo.png',
        tosUri: 'http://127.0.0.1:3000/terms',
        policyUri: 'http://127.0.0.1:3000/privacy',
      },
      ['http://127.0.0.1:3000/callback'],
    );
    const credentials = await registrations.register(provider.endpoints.registrationUrl, request);
    expect(credentials.grantTypes).toEqual(['authorization_code', 'refresh_token']);
    expect(credentials.scopes).toEqual([CLR_SCOPES.replace, 'offline_access']);
  });

  it('reports the RFC 7591 error code of a refusal as registration_rejected', async () => {
    const request = { ...clientCredentialsRegistration(software), client_name: '' };
    const error = await registrations
      .register(provider.endpoints.registrationUrl, request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({
      code: 'registration_rejected',
      details: { status: 400, oauthError: 'invalid_client_metadata' },
      message: 'Registration refused: HTTP 400 invalid_client_metadata',
    });
  });

  it('treats a refused connection as unreachable', async () => {
    const error = await registrations
      .register(`${await closedPortUrl()}/oauth/register`, clientCredentialsRegistration(software))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
  });
});
