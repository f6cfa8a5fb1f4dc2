/**
 * Test-only helpers for the stand-in provider's specs and the delivery specs: fixture files,
 * a provider with known clients, and raw HTTP calls. Not exported from the app's index.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLR_SCOPES } from '@app/clr';
import { type StandInProviderOptions } from './provider-options';
import { type RunningStandInProvider, startStandInProvider } from './start-stand-in-provider';

export const FIXTURES_DIR = resolve(__dirname, '../../../test/fixtures');

/** A fixture under test/fixtures, parsed (fresh copy each call). */
export function readFixture<T = Record<string, unknown>>(relativePath: string): T {
  return JSON.parse(readFileSync(resolve(FIXTURES_DIR, relativePath), 'utf8')) as T;
}

/** Test-only client credentials of the providers started by {@link startTestProvider}. */
export const PUBLISHER = { clientId: 'test-publisher', clientSecret: 'test-publisher-secret' } as const;
export const READER = { clientId: 'test-reader', clientSecret: 'test-reader-secret' } as const;
export const POST_METHOD_CLIENT = { clientId: 'test-post-client', clientSecret: 'test-post-secret' } as const;

/** A stand-in provider on 127.0.0.1:0 with a publisher (all scopes), a reader (readonly) and a client_secret_post client. */
export function startTestProvider(options: StandInProviderOptions = {}): Promise<RunningStandInProvider> {
  return startStandInProvider({
    verifySignatures: false,
    ...options,
    clients: [
      { ...PUBLISHER },
      { ...READER, scopes: [CLR_SCOPES.readonly] },
      { ...POST_METHOD_CLIENT, tokenEndpointAuthMethod: 'client_secret_post' },
      ...(options.clients ?? []),
    ],
  });
}

export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** A client-credentials token from the provider (throws unless 200). */
export async function fetchToken(
  provider: RunningStandInProvider,
  client: { clientId: string; clientSecret: string } = PUBLISHER,
  scope?: string,
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) body.set('scope', scope);
  const response = await fetch(provider.endpoints.tokenUrl, {
    method: 'POST',
    headers: {
      Authorization: basicAuth(client.clientId, client.clientSecret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** POST a body to postClr with the usual headers, each overridable (`undefined` drops one). */
export function postClrRaw(
  provider: RunningStandInProvider,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<Response> {
  const all: Record<string, string | undefined> = {
    'Content-Type': 'application/ld+json',
    Accept: 'application/ld+json',
    ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
    ...headers,
  };
  const defined = Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
  return fetch(provider.endpoints.clrsUrl, {
    method: 'POST',
    headers: defined,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The code minor value of an imsx_StatusInfo body. */
export function codeMinorOf(body: unknown): string | undefined {
  const fields = (
    body as { imsx_codeMinor?: { imsx_codeMinorField?: { imsx_codeMinorFieldValue?: string }[] } }
  ).imsx_codeMinor?.imsx_codeMinorField;
  return fields?.[0]?.imsx_codeMinorFieldValue;
}

/**
 * A valid postClr payload (fixture); with `suffix`, its Clr id becomes
 * `https://clr.example.edu/ims/clr/v1p0/clrs/{suffix}`.
 */
export function validPayload(suffix?: string): {
  '@context': string;
  clr: { id: string } & Record<string, unknown>;
} {
  const payload = readFixture<{ '@context': string; clr: { id: string } & Record<string, unknown> }>(
    'clr/valid/post-clr-competencies.json',
  );
  if (suffix !== undefined) payload.clr.id = `https://clr.example.edu/ims/clr/v1p0/clrs/${suffix}`;
  return payload;
}
