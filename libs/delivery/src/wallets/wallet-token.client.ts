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

/** The publisher's client at a wallet's token endpoint. */
export interface WalletClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A usable token answer of a wallet (RFC 6749 §5.1). */
export interface WalletTokenAnswer {
  accessToken: string;
  /** Seconds, when the wallet said. */
  expiresIn: number | null;
  /** A new (rotated) refresh token, when the wallet sent one. */
  refreshToken: string | null;
  /** Scopes granted, when the wallet said. */
  scopes: string[] | null;
}

/**
 * The token endpoint of a learner's wallet: authorization code + PKCE (RFC 6749 §4.1.3, RFC 7636
 * §4.5) and refresh (§6), `client_secret_basic`. Errors are {@link DeliveryError}s carrying the
 * OAuth `error` code; `invalid_grant` means the code or grant is no good (revoked, used, bad
 * verifier), never retried.
 */
export class WalletTokenClient {
  /** Whole-exchange timeout of one token request, ms. */
  readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  exchangeCode(
    client: WalletClientCredentials,
    grant: { code: string; redirectUri: string; codeVerifier: string },
  ): Promise<WalletTokenAnswer> {
    return this.request(
      client,
      new URLSearchParams({
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.codeVerifier,
      }),
      'Code exchange',
    );
  }

  refresh(client: WalletClientCredentials, refreshToken: string): Promise<WalletTokenAnswer> {
    return this.request(
      client,
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      'Token refresh',
    );
  }

  private async request(
    client: WalletClientCredentials,
    body: URLSearchParams,
    what: string,
  ): Promise<WalletTokenAnswer> {
    const url = providerUrl(client.tokenUrl, 'tokenUrl', this.options);
    const basic = Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`).toString(
      'base64',
    );
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
      if (error instanceof TransportFailure) throw unreachable(what, error);
      throw error;
    }
    if (isRetryableHttpStatus(response.status)) throw unavailable(what, response);
    const json = jsonBody(response);
    if (response.status !== 200) {
      const error = oauthErrorCode(json);
      throw new DeliveryError(
        'token_rejected',
        `${what} refused: HTTP ${response.status}${error !== undefined ? ` ${error}` : ''}`,
        { status: response.status, ...(error !== undefined ? { oauthError: error } : {}) },
      );
    }
    return readAnswer(json);
  }
}

function readAnswer(json: unknown): WalletTokenAnswer {
  const invalid = (why: string): DeliveryError =>
    new DeliveryError('token_invalid', `Token answer unusable: ${why}`, { status: 200 });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('not a JSON object');
  const record = json as Record<string, unknown>;
  const accessToken = record['access_token'];
  if (typeof accessToken !== 'string' || !/^[\x21-\x7e]+$/.test(accessToken)) {
    throw invalid('no usable access_token');
  }
  const tokenType = record['token_type'];
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw invalid('token_type is not Bearer');
  }
  const expiresRaw = record['expires_in'];
  const expiresIn =
    typeof expiresRaw === 'number' && expiresRaw > 0
      ? expiresRaw
      : typeof expiresRaw === 'string' && /^\d+$/.test(expiresRaw)
        ? Number.parseInt(expiresRaw, 10)
        : null;
  const refresh = record['refresh_token'];
  const scope = record['scope'];
  return {
    accessToken,
    expiresIn,
    refreshToken: typeof refresh === 'string' && refresh !== '' ? refresh : null,
    scopes: typeof scope === 'string' ? scope.split(' ').filter((item) => item !== '') : null,
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
