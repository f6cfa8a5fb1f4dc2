import { timingSafeEqual } from 'node:crypto';
import { OAuthHttpError } from '../common/provider-http.error';
import { type ProviderState, type RegisteredClient } from '../state/provider-state';

/**
 * Authenticates the client of a token request (RFC 6749 §2.3.1): HTTP Basic with the
 * form-encoded id and secret, or `client_id` + `client_secret` in the body, never both. The
 * method must be the one the client registered.
 */
export function authenticateClient(
  state: ProviderState,
  authorization: string | undefined,
  params: URLSearchParams,
): RegisteredClient {
  const basic = authorization === undefined ? undefined : parseBasic(authorization);
  const bodySecret = params.get('client_secret');
  if (basic !== undefined && bodySecret !== null) {
    throw new OAuthHttpError(400, 'invalid_request', 'Use one client authentication method, not both');
  }
  if (basic === 'malformed') {
    throw new OAuthHttpError(401, 'invalid_client', 'Malformed Basic credentials', basicChallenge());
  }
  let method: RegisteredClient['tokenEndpointAuthMethod'];
  let clientId: string;
  let secret: string;
  if (basic !== undefined) {
    method = 'client_secret_basic';
    ({ clientId, secret } = basic);
    const bodyId = params.get('client_id');
    if (bodyId !== null && bodyId !== clientId) {
      throw new OAuthHttpError(
        400,
        'invalid_request',
        'client_id in the body differs from the Basic credentials',
      );
    }
  } else if (bodySecret !== null) {
    method = 'client_secret_post';
    const bodyId = params.get('client_id');
    if (bodyId === null) throw new OAuthHttpError(400, 'invalid_request', 'client_secret without client_id');
    clientId = bodyId;
    secret = bodySecret;
  } else {
    throw new OAuthHttpError(401, 'invalid_client', 'No client authentication', basicChallenge());
  }

  const client = state.clients.get(clientId);
  const challenge = method === 'client_secret_basic' ? basicChallenge() : {};
  if (client === undefined || !sameSecret(client.clientSecret, secret)) {
    throw new OAuthHttpError(401, 'invalid_client', 'Unknown client or wrong secret', challenge);
  }
  if (client.tokenEndpointAuthMethod !== method) {
    throw new OAuthHttpError(
      401,
      'invalid_client',
      `This client registered token_endpoint_auth_method ${client.tokenEndpointAuthMethod}`,
      challenge,
    );
  }
  return client;
}

function parseBasic(header: string): { clientId: string; secret: string } | 'malformed' | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (match?.[1] === undefined) return /^Basic\b/i.test(header) ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicChallenge(): Record<string, string> {
  return { 'WWW-Authenticate': 'Basic realm="clr-oauth"' };
}
