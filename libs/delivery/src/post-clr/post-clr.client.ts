import { CLR_MEDIA_TYPE, isRetryableHttpStatus, parseImsxStatusInfo, type PostClrPayload } from '@app/clr';
import { DeliveryError } from '../errors/delivery-error';
import { boundedFetch, type BoundedResponse } from '../http/bounded-fetch';
import { DEFAULT_USER_AGENT, type HttpClientOptions } from '../http/http-client-options';
import { clrApiUrl } from '../http/target-url';
import { TransportFailure } from '../http/transport-failure';
import { type AccessToken, type ClientCredentials, type OAuthTokenClient } from '../oauth/oauth-token.client';
import { parseRetryAfter } from '../retry/retry-after';
import {
  type PostClrOutcome,
  type PostClrRejected,
  type PostClrRetryable,
  type RejectedReason,
} from './post-clr-outcome';
import { postClrBody } from './post-clr-body';

/** Where and as whom to post. */
export interface PostClrTarget {
  /** The provider's base URL; postClr goes to `{baseUrl}/ims/clr/v1p0/clrs`. */
  baseUrl: string;
  credentials: ClientCredentials;
}

export interface PostClrClientOptions extends HttpClientOptions {
  /** Whole-exchange timeout of one postClr request, ms. Default 30 000. */
  timeoutMs?: number;
  /** Most bytes of an error answer read (to parse its imsx_StatusInfo). Default 64 KiB. */
  maxResponseBytes?: number;
}

const DEFAULT_POST_TIMEOUT_MS = 30_000;
const DEFAULT_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The postClr operation: POST the payload as `application/ld+json` with a bearer token from
 * {@link OAuthTokenClient}, refreshing the token and sending once more on a 401, and classify
 * what happened as a {@link PostClrOutcome}. Never throws for HTTP or network failures.
 *
 * postClr is create-or-replace by Clr id, so sending the same payload twice is harmless: that
 * is what makes the 401 retry (and the pipeline's retries) safe.
 */
export class PostClrClient {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;

  constructor(
    private readonly tokens: Pick<OAuthTokenClient, 'getToken' | 'invalidate'>,
    private readonly options: PostClrClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_ERROR_BODY_BYTES;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  /** @param signal cancels the call; the outcome is then `retryable` with reason `aborted`. */
  async post(target: PostClrTarget, payload: PostClrPayload, signal?: AbortSignal): Promise<PostClrOutcome> {
    let url: URL;
    try {
      url = clrApiUrl(target.baseUrl, '/clrs', this.options);
    } catch (error) {
      return rejectedFromError(error, false);
    }
    const body = postClrBody(payload);

    let token: AccessToken;
    try {
      token = await this.tokens.getToken(target.credentials);
    } catch (error) {
      return fromTokenError(error, false);
    }
    let response = await this.send(url, body, token, signal);
    let tokenRefreshed = false;
    if (!(response instanceof TransportFailure) && response.status === 401) {
      this.tokens.invalidate(target.credentials, token.value);
      tokenRefreshed = true;
      try {
        token = await this.tokens.getToken(target.credentials);
      } catch (error) {
        return fromTokenError(error, true);
      }
      response = await this.send(url, body, token, signal);
    }
    if (response instanceof TransportFailure) return fromTransport(response, tokenRefreshed);
    return classifyResponse(response, tokenRefreshed);
  }

  private async send(
    url: URL,
    body: Buffer,
    token: AccessToken,
    signal: AbortSignal | undefined,
  ): Promise<BoundedResponse | TransportFailure> {
    try {
      return await boundedFetch(
        url,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token.value}`,
            'Content-Type': CLR_MEDIA_TYPE,
            Accept: CLR_MEDIA_TYPE,
            'User-Agent': this.userAgent,
          },
          body,
        },
        {
          timeoutMs: this.timeoutMs,
          maxResponseBytes: this.maxResponseBytes,
          // A success answer echoes the CLR (hundreds of KB) and nothing of it is used: it is
          // read and dropped; only error answers are kept, for their imsx_StatusInfo.
          discardBody: (status) => status < 400,
          ...(signal !== undefined ? { signal } : {}),
        },
      );
    } catch (error) {
      if (error instanceof TransportFailure) return error;
      throw error;
    }
  }
}

/** Sorts an HTTP answer of postClr into delivered / retryable / rejected. */
export function classifyResponse(response: BoundedResponse, tokenRefreshed: boolean): PostClrOutcome {
  const { status } = response;
  if (status === 201) return { kind: 'delivered', status, result: 'created', tokenRefreshed };
  if (status === 200) return { kind: 'delivered', status, result: 'replaced', tokenRefreshed };
  if (status === 304) return { kind: 'delivered', status, result: 'not_modified', tokenRefreshed };
  if (status >= 200 && status < 300) return { kind: 'delivered', status, result: 'accepted', tokenRefreshed };

  // Error answers only: a 2xx echo is the payload and is never read.
  const imsx =
    status >= 400 ? parseImsxStatusInfo(response.truncated ? undefined : response.body) : undefined;
  const imsxBody = status >= 400 ? imsxBodyOf(response) : undefined;
  const detail = imsx !== undefined && imsx.summary !== 'empty body' ? ` (${imsx.summary})` : '';
  const error = `HTTP ${status} from provider${detail}`;
  if (isRetryableHttpStatus(status)) {
    const outcome: PostClrRetryable = {
      kind: 'retryable',
      reason: status === 429 ? 'rate_limited' : 'server_error',
      status,
      error,
      tokenRefreshed,
    };
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfterSeconds !== undefined) outcome.retryAfterSeconds = retryAfterSeconds;
    if (imsx !== undefined) outcome.imsx = imsx;
    if (imsxBody !== undefined) outcome.imsxBody = imsxBody;
    return outcome;
  }
  const outcome: PostClrRejected = {
    kind: 'rejected',
    reason: rejectedReason(status),
    status,
    error,
    tokenRefreshed,
  };
  if (imsx !== undefined) outcome.imsx = imsx;
  if (imsxBody !== undefined) outcome.imsxBody = imsxBody;
  return outcome;
}

/** The imsx_StatusInfo fields kept of an error answer, with the longest text kept of each. */
const IMSX_FIELDS: Readonly<Record<string, number>> = {
  '@context': 200,
  imsx_codeMajor: 50,
  imsx_severity: 50,
  imsx_description: 1000,
};
/** Code minors kept, and the length of each name and value. */
const MAX_CODE_MINORS = 20;
const MAX_CODE_MINOR_TEXT = 200;

/**
 * The imsx_StatusInfo of an error answer as JSON, with only its own fields, clipped: the body as
 * a whole is not kept, since a provider may echo the CLR it refused (a learner's personal data)
 * in it, or send anything up to the read limit. Undefined when the body is no JSON object or
 * has none of those fields.
 */
function imsxBodyOf(response: BoundedResponse): string | undefined {
  if (response.truncated || response.body.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [field, max] of Object.entries(IMSX_FIELDS)) {
    if (typeof body[field] === 'string') kept[field] = body[field].slice(0, max);
  }
  const minors = (body['imsx_codeMinor'] as { imsx_codeMinorField?: unknown } | undefined)
    ?.imsx_codeMinorField;
  if (Array.isArray(minors)) {
    kept['imsx_codeMinor'] = {
      imsx_codeMinorField: minors.slice(0, MAX_CODE_MINORS).flatMap((minor: unknown) => {
        const { imsx_codeMinorFieldName: name, imsx_codeMinorFieldValue: value } = (minor ?? {}) as Record<
          string,
          unknown
        >;
        return typeof name === 'string' && typeof value === 'string'
          ? [
              {
                imsx_codeMinorFieldName: name.slice(0, MAX_CODE_MINOR_TEXT),
                imsx_codeMinorFieldValue: value.slice(0, MAX_CODE_MINOR_TEXT),
              },
            ]
          : [];
      }),
    };
  }
  return Object.keys(kept).some((field) => field !== '@context') ? JSON.stringify(kept) : undefined;
}

function rejectedReason(status: number): RejectedReason {
  if (status < 400) return 'unexpected_status';
  switch (status) {
    case 400:
    case 422:
      return 'invalid_data';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 405:
    case 501:
      return 'not_supported';
    case 406:
    case 415:
      return 'not_acceptable';
    case 413:
      return 'payload_too_large';
    default:
      return status < 500 ? 'client_error' : 'unexpected_status';
  }
}

function fromTransport(failure: TransportFailure, tokenRefreshed: boolean): PostClrOutcome {
  return {
    kind: 'retryable',
    reason: failure.kind === 'timeout' ? 'timeout' : failure.kind === 'aborted' ? 'aborted' : 'connection',
    error: `postClr: ${failure.message}`,
    tokenRefreshed,
  };
}

function fromTokenError(error: unknown, tokenRefreshed: boolean): PostClrOutcome {
  if (!(error instanceof DeliveryError)) throw error;
  if (error.retryable) {
    const outcome: PostClrRetryable = {
      kind: 'retryable',
      reason: 'token_unavailable',
      error: error.message,
      tokenRefreshed,
    };
    if (error.details.status !== undefined) outcome.status = error.details.status;
    if (error.details.retryAfterSeconds !== undefined)
      outcome.retryAfterSeconds = error.details.retryAfterSeconds;
    return outcome;
  }
  return rejectedFromError(error, tokenRefreshed);
}

function rejectedFromError(error: unknown, tokenRefreshed: boolean): PostClrOutcome {
  if (!(error instanceof DeliveryError)) throw error;
  const outcome: PostClrRejected = {
    kind: 'rejected',
    reason: error.code === 'invalid_target' ? 'invalid_target' : 'token_rejected',
    error: error.message,
    tokenRefreshed,
  };
  if (error.details.status !== undefined) outcome.status = error.details.status;
  if (error.details.oauthError !== undefined) outcome.oauthError = error.details.oauthError;
  return outcome;
}
