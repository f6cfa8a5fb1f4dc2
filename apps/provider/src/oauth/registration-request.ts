import { CLR_SCOPES } from '@app/clr';
import { type OAuthErrorCode } from '../common/provider-http.error';

/** Grant types a client may register for. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;
export type SupportedGrantType = (typeof SUPPORTED_GRANT_TYPES)[number];
export const SUPPORTED_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SupportedAuthMethod = (typeof SUPPORTED_AUTH_METHODS)[number];
export const CLR_SCOPE_LIST: string[] = [CLR_SCOPES.readonly, CLR_SCOPES.replace, CLR_SCOPES.delete];
/** Asks for a refresh token (OCP registers with it); only with the refresh_token grant. */
export const OFFLINE_ACCESS_SCOPE = 'offline_access';

/** A registration request that passed the checks, with RFC 7591 defaults applied. */
export interface AcceptedRegistration {
  clientName: string;
  clientUri: string;
  logoUri?: string;
  tosUri?: string;
  policyUri?: string;
  softwareId: string;
  softwareVersion: string;
  redirectUris: string[];
  grantTypes: SupportedGrantType[];
  responseTypes: string[];
  tokenEndpointAuthMethod: SupportedAuthMethod;
  scopes: string[];
}

export type RegistrationCheck =
  | { ok: true; registration: AcceptedRegistration }
  | {
      ok: false;
      error: Extract<OAuthErrorCode, 'invalid_client_metadata' | 'invalid_redirect_uri'>;
      description: string;
    };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks an RFC 7591 registration request the way CLR 1.0 providers are expected to (DIGEST §6,
 * after OB 2.1 since the CLR prose is unavailable):
 * - authorization-code clients (consumers acting for a learner) must give `client_name`,
 *   `client_uri`, `logo_uri`, `tos_uri`, `policy_uri`, `software_id`, `software_version` and
 *   `redirect_uris`, all URLs on one hostname, `response_types: ["code"]`;
 * - client-credentials clients (publishers posting for an institution) must give `client_name`,
 *   `client_uri`, `software_id` and `software_version`; there is no consent screen to show a
 *   logo, terms or policy on, so those are optional, and redirect URIs / response types are
 *   not used.
 * URLs must be absolute; `https` except on loopback hosts. Unknown metadata is ignored
 * (RFC 7591 §2).
 */
export function checkRegistrationRequest(body: unknown): RegistrationCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return metadataError('The registration request must be a JSON object');
  }
  const request = body as Record<string, unknown>;

  const grantTypes = stringArray(request, 'grant_types') ?? ['authorization_code'];
  if (typeof grantTypes === 'string') return metadataError(grantTypes);
  if (grantTypes.length === 0) return metadataError('grant_types must not be empty');
  const unsupported = grantTypes.filter(
    (grant) => !(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grant),
  );
  if (unsupported.length > 0) {
    return metadataError(
      `grant_types has unsupported value(s) ${unsupported.join(', ')}; supported: ${SUPPORTED_GRANT_TYPES.join(', ')}`,
    );
  }
  const grants = [...new Set(grantTypes)] as SupportedGrantType[];
  const userFlow = grants.includes('authorization_code');
  if (grants.includes('refresh_token') && !userFlow) {
    return metadataError('grant_types refresh_token needs authorization_code');
  }

  const responseTypes = stringArray(request, 'response_types') ?? (userFlow ? ['code'] : []);
  if (typeof responseTypes === 'string') return metadataError(responseTypes);
  if (userFlow && (responseTypes.length !== 1 || responseTypes[0] !== 'code')) {
    return metadataError('response_types must be ["code"] with grant type authorization_code');
  }
  if (!userFlow && responseTypes.length > 0) {
    return metadataError('response_types must be empty without grant type authorization_code');
  }

  const authMethod = request['token_endpoint_auth_method'] ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !(SUPPORTED_AUTH_METHODS as readonly string[]).includes(authMethod)) {
    return metadataError(`token_endpoint_auth_method must be one of ${SUPPORTED_AUTH_METHODS.join(', ')}`);
  }

  const required = userFlow
    ? ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version']
    : ['client_name', 'client_uri', 'software_id', 'software_version'];
  const missing = required.filter((name) => {
    const value = request[name];
    return typeof value !== 'string' || value.trim() === '';
  });
  if (missing.length > 0) return metadataError(`Missing or empty: ${missing.join(', ')}`);
  for (const name of [
    'client_name',
    'software_id',
    'software_version',
    'logo_uri',
    'tos_uri',
    'policy_uri',
  ]) {
    if (request[name] !== undefined && typeof request[name] !== 'string') {
      return metadataError(`${name} must be a string`);
    }
  }

  const urls: { name: string; url: URL }[] = [];
  for (const name of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri']) {
    const value = request[name];
    if (value === undefined) continue;
    const parsed = checkUrl(value as string, name);
    if (typeof parsed === 'string') return metadataError(parsed);
    urls.push({ name, url: parsed });
  }

  const redirectUris = stringArray(request, 'redirect_uris') ?? [];
  if (typeof redirectUris === 'string')
    return { ok: false, error: 'invalid_redirect_uri', description: redirectUris };
  if (userFlow && redirectUris.length === 0) {
    return {
      ok: false,
      error: 'invalid_redirect_uri',
      description: 'redirect_uris is required with authorization_code',
    };
  }
  for (const [index, value] of redirectUris.entries()) {
    const parsed = checkUrl(value, `redirect_uris[${index}]`);
    if (typeof parsed === 'string') return { ok: false, error: 'invalid_redirect_uri', description: parsed };
    if (parsed.hash !== '') {
      return {
        ok: false,
        error: 'invalid_redirect_uri',
        description: `redirect_uris[${index}] must not have a fragment`,
      };
    }
    urls.push({ name: `redirect_uris[${index}]`, url: parsed });
  }
  if (userFlow) {
    const host = urls[0]?.url.hostname;
    const other = urls.find((entry) => entry.url.hostname !== host);
    if (other !== undefined) {
      const error = other.name.startsWith('redirect_uris')
        ? 'invalid_redirect_uri'
        : 'invalid_client_metadata';
      return { ok: false, error, description: `${other.name} must have the same hostname as client_uri` };
    }
  }

  const scopeValue = request['scope'];
  let scopes: string[];
  if (scopeValue === undefined) {
    scopes = [...CLR_SCOPE_LIST];
  } else if (typeof scopeValue !== 'string') {
    return metadataError('scope must be a space-separated string');
  } else {
    scopes = [...new Set(scopeValue.split(' ').filter((scope) => scope !== ''))];
    const unknown = scopes.filter(
      (scope) => !CLR_SCOPE_LIST.includes(scope) && scope !== OFFLINE_ACCESS_SCOPE,
    );
    if (unknown.length > 0) return metadataError(`scope has unknown value(s): ${unknown.join(' ')}`);
    if (scopes.includes(OFFLINE_ACCESS_SCOPE) && !grants.includes('refresh_token')) {
      return metadataError('scope offline_access needs grant type refresh_token');
    }
    if (!scopes.some((scope) => CLR_SCOPE_LIST.includes(scope))) {
      return metadataError('scope must include at least one CLR scope');
    }
  }

  const registration: AcceptedRegistration = {
    clientName: (request['client_name'] as string).trim(),
    clientUri: request['client_uri'] as string,
    softwareId: request['software_id'] as string,
    softwareVersion: request['software_version'] as string,
    redirectUris,
    grantTypes: grants,
    responseTypes,
    tokenEndpointAuthMethod: authMethod as SupportedAuthMethod,
    scopes,
  };
  if (typeof request['logo_uri'] === 'string') registration.logoUri = request['logo_uri'];
  if (typeof request['tos_uri'] === 'string') registration.tosUri = request['tos_uri'];
  if (typeof request['policy_uri'] === 'string') registration.policyUri = request['policy_uri'];
  return { ok: true, registration };
}

function metadataError(description: string): RegistrationCheck {
  return { ok: false, error: 'invalid_client_metadata', description };
}

/** The array of strings at `name`, `undefined` when absent, or a problem description. */
function stringArray(request: Record<string, unknown>, name: string): string[] | undefined | string {
  const value = request[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    return `${name} must be an array of strings`;
  }
  return value as string[];
}

function checkUrl(value: string, name: string): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} must be an absolute URL`;
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  return `${name} must use https (http only on loopback hosts)`;
}
