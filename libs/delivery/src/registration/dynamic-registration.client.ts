import { isRetryableHttpStatus } from '@app/clr';
import { DeliveryError } from '../errors/delivery-error';
import { boundedFetch, jsonBody } from '../http/bounded-fetch';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type HttpClientOptions,
} from '../http/http-client-options';
import { oauthErrorCode, unavailable, unreachable } from '../http/response-errors';
import { providerUrl } from '../http/target-url';
import { TransportFailure } from '../http/transport-failure';
import { type ClientRegistrationRequest } from './client-registration';

/** What a successful registration gave us: store it (the secret encrypted) with the target. */
export interface RegisteredClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Unix seconds, when the provider said. */
  clientIdIssuedAt?: number;
  /** Unix seconds; 0 or absent means it does not expire. */
  clientSecretExpiresAt?: number;
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  /** Scopes the provider registered, space-separated split. */
  scopes: string[];
  /** RFC 7592 management endpoint and token, when the provider offers them. */
  registrationClientUri?: string;
  registrationAccessToken?: string;
}

/**
 * RFC 7591 dynamic client registration at a provider's `registrationUrl` (from its discovery
 * document): POST the metadata as JSON, read the credentials from the 201 answer.
 */
export class DynamicRegistrationClient {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  /**
   * @throws DeliveryError `registration_rejected` (with the RFC 7591 `error` code) when the
   *   provider refuses or answers without usable credentials; `unreachable` /
   *   `provider_unavailable` (retryable); `invalid_target` for a bad URL.
   */
  async register(
    registrationUrl: string,
    request: ClientRegistrationRequest,
  ): Promise<RegisteredClientCredentials> {
    const url = providerUrl(registrationUrl, 'registrationUrl', this.options);
    let response;
    try {
      response = await boundedFetch(
        url,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'User-Agent': this.userAgent,
          },
          body: JSON.stringify(request),
        },
        { timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes },
      );
    } catch (error) {
      if (error instanceof TransportFailure) throw unreachable('Registration', error);
      throw error;
    }
    if (isRetryableHttpStatus(response.status)) throw unavailable('Registration', response);
    const body = jsonBody(response);
    if (response.status !== 201 && response.status !== 200) {
      const error = oauthErrorCode(body);
      throw new DeliveryError(
        'registration_rejected',
        `Registration refused: HTTP ${response.status}${error !== undefined ? ` ${error}` : ''}`,
        { status: response.status, ...(error !== undefined ? { oauthError: error } : {}) },
      );
    }
    return readCredentials(body, request, response.status);
  }
}

function readCredentials(
  body: unknown,
  request: ClientRegistrationRequest,
  status: number,
): RegisteredClientCredentials {
  const invalid = (what: string): DeliveryError =>
    new DeliveryError('registration_rejected', `Registration answer unusable: ${what}`, { status });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('not a JSON object');
  const record = body as Record<string, unknown>;
  const clientId = record['client_id'];
  const clientSecret = record['client_secret'];
  if (typeof clientId !== 'string' || clientId === '') throw invalid('no client_id');
  if (typeof clientSecret !== 'string' || clientSecret === '') throw invalid('no client_secret');
  const credentials: RegisteredClientCredentials = {
    clientId,
    clientSecret,
    tokenEndpointAuthMethod:
      typeof record['token_endpoint_auth_method'] === 'string'
        ? record['token_endpoint_auth_method']
        : request.token_endpoint_auth_method,
    grantTypes: stringList(record['grant_types']) ?? request.grant_types,
    scopes: (typeof record['scope'] === 'string' ? record['scope'] : request.scope)
      .split(' ')
      .filter((scope) => scope !== ''),
  };
  const issuedAt = record['client_id_issued_at'];
  if (typeof issuedAt === 'number' && Number.isFinite(issuedAt)) credentials.clientIdIssuedAt = issuedAt;
  const expiresAt = record['client_secret_expires_at'];
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt))
    credentials.clientSecretExpiresAt = expiresAt;
  if (typeof record['registration_client_uri'] === 'string') {
    credentials.registrationClientUri = record['registration_client_uri'];
  }
  if (typeof record['registration_access_token'] === 'string') {
    credentials.registrationAccessToken = record['registration_access_token'];
  }
  if (!credentials.grantTypes.some((grant) => request.grant_types.includes(grant))) {
    throw invalid('none of the requested grant types was registered');
  }
  return credentials;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}
