import { DeliveryError } from '../errors/delivery-error';
import { parseRetryAfter } from '../retry/retry-after';
import { type BoundedResponse } from './bounded-fetch';
import { type TransportFailure } from './transport-failure';

/** A transport failure of discovery/registration/token calls, as a retryable DeliveryError. */
export function unreachable(what: string, failure: TransportFailure): DeliveryError {
  return new DeliveryError('unreachable', `${what}: ${failure.message}`);
}

/** A 429/5xx answer of a discovery/registration/token call, as a retryable DeliveryError. */
export function unavailable(what: string, response: BoundedResponse): DeliveryError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  return new DeliveryError('provider_unavailable', `${what}: HTTP ${response.status}`, {
    status: response.status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** The RFC 6749 / RFC 7591 `error` code of an OAuth error body, if it is a plain code. */
export function oauthErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' && /^[\x20-\x7e]{1,64}$/.test(error) && /^[a-z_]+$/i.test(error)
    ? error
    : undefined;
}
