import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { CLR_SCOPES } from '@app/clr';
import { type RunningStandInProvider } from '@app/provider';
import { closedPortUrl, startProvider } from '../delivery.test-kit';
import { DeliveryError } from '../errors/delivery-error';
import { checkDiscoveryDocument, ProviderDiscoveryClient } from './provider-discovery.client';

let provider: RunningStandInProvider;
/** Answers GET .../discovery with whatever `answer` holds. */
let fake: Server;
let fakeUrl: string;
let answer: { status: number; body: string; headers?: Record<string, string> };

beforeAll(async () => {
  provider = await startProvider();
  fake = createServer((_request, response) => {
    response
      .writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
      .end(answer.body);
  });
  await new Promise<void>((done) => fake.listen(0, '127.0.0.1', done));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await provider.close();
  await new Promise((done) => fake.close(done));
});

const client = new ProviderDiscoveryClient({ timeoutMs: 2000 });

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError');
}

describe('ProviderDiscoveryClient', () => {
  it('reads the stand-in provider discovery document (base URL with or without a trailing slash)', async () => {
    const document = await client.discover(`${provider.baseUrl}/`);
    expect(document.tokenUrl).toBe(provider.endpoints.tokenUrl);
    expect(document.registrationUrl).toBe(provider.endpoints.registrationUrl);
    expect(document.scopesOffered).toContain(CLR_SCOPES.replace);
    expect((await client.discover(provider.baseUrl)).name).toBe('Stand-in CLR Provider');
  });

  it('reads a document from a full discovery URL, refusing one that is not a URL', async () => {
    const document = await client.discoverAt(provider.endpoints.discoveryUrl);
    expect(document.tokenUrl).toBe(provider.endpoints.tokenUrl);
    const error = await failure(client.discoverAt('discovery'));
    expect(error.code).toBe('invalid_target');
    expect(error.message).toBe('discoveryUrl is not an absolute URL');
  });

  it('reports every problem of an invalid document as discovery_invalid', async () => {
    answer = { status: 200, body: JSON.stringify({ name: '', tokenUrl: 'not a url', scopesOffered: [] }) };
    const error = await failure(client.discover(fakeUrl));
    expect(error.code).toBe('discovery_invalid');
    expect(error.retryable).toBe(false);
    for (const path of ['$["@context"]', '$.name', '$.tokenUrl', '$.registrationUrl', '$.scopesOffered']) {
      expect(error.message).toContain(path);
    }
  });

  it('refuses a provider that does not offer the replace scope', () => {
    const document = {
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      name: 'Read-only host',
      authorizationUrl: 'https://host.example.org/authorize',
      tokenUrl: 'https://host.example.org/token',
      registrationUrl: 'https://host.example.org/register',
      privacyPolicyUrl: 'https://host.example.org/privacy',
      termsOfServiceUrl: 'https://host.example.org/terms',
      scopesOffered: [CLR_SCOPES.readonly],
    };
    expect(checkDiscoveryDocument(document)).toEqual([
      { path: '$.scopesOffered', reason: `does not offer ${CLR_SCOPES.replace}` },
    ]);
    expect(checkDiscoveryDocument({ ...document, tokenUrl: 'http://host.example.org/token' })).toContainEqual(
      {
        path: '$.tokenUrl',
        reason: 'tokenUrl must use https',
      },
    );
    // Extra properties are tolerated (test harnesses are looser than the schema).
    expect(checkDiscoveryDocument({ ...document, scopesOffered: [CLR_SCOPES.replace], extra: 1 })).toEqual(
      [],
    );
  });

  it('treats a body that is not JSON and a 404 as discovery_invalid', async () => {
    answer = { status: 200, body: '<html>' };
    expect((await failure(client.discover(fakeUrl))).message).toContain('$: is not a JSON object');
    answer = { status: 404, body: '' };
    const notFound = await failure(client.discover(fakeUrl));
    expect([notFound.code, notFound.details.status]).toEqual(['discovery_invalid', 404]);
  });

  it('treats 503 as provider_unavailable (retryable) with Retry-After', async () => {
    answer = { status: 503, body: '', headers: { 'Retry-After': '30' } };
    const error = await failure(client.discover(fakeUrl));
    expect([error.code, error.retryable, error.details.retryAfterSeconds]).toEqual([
      'provider_unavailable',
      true,
      30,
    ]);
  });

  it('treats a refused connection as unreachable (retryable)', async () => {
    const error = await failure(client.discover(await closedPortUrl()));
    expect([error.code, error.retryable]).toEqual(['unreachable', true]);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses plain http to a remote host before sending anything', async () => {
    const error = await failure(client.discover('http://provider.example.org'));
    expect([error.code, error.message]).toEqual(['invalid_target', 'The provider base URL must use https']);
  });
});
