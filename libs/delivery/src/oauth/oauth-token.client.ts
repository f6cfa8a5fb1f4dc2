import { createHash } from 'node:crypto';
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

/** A client registered with a provider, and the scopes it asks for. */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to request; sent space-separated. */
  scopes: string[];
}

export interface AccessToken {
  value: string;
  /** Scopes granted (the requested ones when the provider did not say, RFC 6749 §5.1). */
  scopes: string[];
  /** Epoch ms at which the provider says it expires. */
  expiresAt: number;
  /** Epoch ms after which the cache fetches a new one. */
  refreshAt: number;
}

export interface OAuthTokenClientOptions extends HttpClientOptions {
  /** Refresh this long before expiry (at most half the token's lifetime), ms. Default 60 000. */
  refreshSkewMs?: number;
  /** Lifetime assumed when the provider sends no `expires_in`, seconds. Default 300. */
  defaultExpiresInSeconds?: number;
  /** Clock, epoch ms; for tests. */
  now?: () => number;
}

/**
 * OAuth 2.0 client-credentials tokens (RFC 6749 §4.4) with `client_secret_basic`, cached per
 * (token URL, client id, client secret, scopes). A cached token is reused until shortly before
 * it expires; concurrent callers of one key share one request; {@link invalidate} drops a token
 * the provider refused so the next call fetches a new one.
 */
export class OAuthTokenClient {
  private readonly cache = new Map<string, AccessToken>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly refreshSkewMs: number;
  private readonly defaultExpiresInSeconds: number;
  private readonly now: () => number;
  /** Token requests sent (not cache hits). */
  requestCount = 0;

  constructor(private readonly options: OAuthTokenClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.refreshSkewMs = options.refreshSkewMs ?? 60_000;
    this.defaultExpiresInSeconds = options.defaultExpiresInSeconds ?? 300;
    this.now = options.now ?? Date.now;
  }

  /**
   * A valid access token, from the cache or the token endpoint.
   *
   * @throws DeliveryError `token_rejected` (the provider refused the client or the scopes: fix
   *   the configuration), `token_invalid` (an unusable answer), `unreachable` /
   *   `provider_unavailable` (retryable), `invalid_target` (bad token URL).
   */
  async getToken(credentials: ClientCredentials): Promise<AccessToken> {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached !== undefined && this.now() < cached.refreshAt) return cached;
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const request = this.requestToken(credentials)
      .then((token) => {
        this.cache.set(key, token);
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  /**
   * Forgets the cached token of these credentials, e.g. after a 401. With `rejected`, only when
   * the cache still holds that token, so callers that saw the same 401 at once refresh once.
   */
  invalidate(credentials: ClientCredentials, rejected?: string): void {
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached !== undefined && (rejected === undefined || cached.value === rejected)) this.cache.delete(key);
  }

  /** Forgets every cached token. */
  clear(): void {
    this.cache.clear();
  }

  private async requestToken(credentials: ClientCredentials): Promise<AccessToken> {
    const url = providerUrl(credentials.tokenUrl, 'tokenUrl', this.options);
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scopes.length > 0) body.set('scope', credentials.scopes.join(' '));
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const basic = Buffer.from(
      `${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`,
    ).toString('base64');
    this.requestCount += 1;
    const sentAt = this.now();
    let response;
    try {
      response = await boundedFetch(
        url,
        {
          method: 'POST',
          headers: {
            Authorization: `Basic ${basic}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
            'User-Agent': this.userAgent,
          },
          body: body.toString(),
        },
        { timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes },
      );
    } catch (error) {
      if (error instanceof TransportFailure) throw unreachable('Token request', error);
      throw error;
    }
    if (isRetryableHttpStatus(response.status)) throw unavailable('Token request', response);
    const json = jsonBody(response);
    if (response.status !== 200) {
      const error = oauthErrorCode(json);
      throw new DeliveryError(
        'token_rejected',
        `Token request refused: HTTP ${response.status}${error !== undefined ? ` ${error}` : ''}`,
        { status: response.status, ...(error !== undefined ? { oauthError: error } : {}) },
      );
    }
    return this.readToken(json, credentials, sentAt);
  }

  private readToken(json: unknown, credentials: ClientCredentials, sentAt: number): AccessToken {
    const invalid = (what: string): DeliveryError =>
      new DeliveryError('token_invalid', `Token answer unusable: ${what}`, { status: 200 });
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('not a JSON object');
    const record = json as Record<string, unknown>;
    const value = record['access_token'];
    if (typeof value !== 'string' || value === '' || !/^[\x21-\x7e]+$/.test(value)) {
      throw invalid('no usable access_token');
    }
    const tokenType = record['token_type'];
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw invalid('token_type is not Bearer');
    }
    const expiresInRaw = record['expires_in'];
    // Some servers send expires_in as a numeric string.
    const expiresIn =
      typeof expiresInRaw === 'number'
        ? expiresInRaw
        : typeof expiresInRaw === 'string' && /^\d+$/.test(expiresInRaw)
          ? Number.parseInt(expiresInRaw, 10)
          : this.defaultExpiresInSeconds;
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw invalid('expires_in is not a positive number');
    const granted =
      typeof record['scope'] === 'string'
        ? record['scope'].split(' ').filter((scope) => scope !== '')
        : [...credentials.scopes];
    const missing = credentials.scopes.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      throw new DeliveryError('token_rejected', `Token granted without scope(s): ${missing.join(' ')}`, {
        status: 200,
        oauthError: 'invalid_scope',
      });
    }
    // Lifetime counts from when the request was sent: the token may be older than its arrival.
    const lifetimeMs = expiresIn * 1000;
    const skew = Math.min(this.refreshSkewMs, lifetimeMs / 2);
    return { value, scopes: granted, expiresAt: sentAt + lifetimeMs, refreshAt: sentAt + lifetimeMs - skew };
  }
}

function cacheKey(credentials: ClientCredentials): string {
  const scopes = [...new Set(credentials.scopes)].sort().join(' ');
  // The secret is part of the key (a rotated secret must not reuse the old token) but only hashed.
  const secret = createHash('sha256').update(credentials.clientSecret).digest('base64url');
  return JSON.stringify([credentials.tokenUrl, credentials.clientId, secret, scopes]);
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
