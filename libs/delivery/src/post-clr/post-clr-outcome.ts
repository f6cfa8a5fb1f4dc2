import { type ParsedImsxStatus } from '@app/clr';

/** The CLR was accepted. */
export interface PostClrDelivered {
  kind: 'delivered';
  /**
   * 201 created, 200 replaced (same Clr id), 304 the provider already had it unchanged; another
   * 2xx (postClr defines none) is taken as accepted.
   */
  status: number;
  result: 'created' | 'replaced' | 'not_modified' | 'accepted';
  /** Whether a 401 made us fetch a new token and send again. */
  tokenRefreshed: boolean;
}

export type RetryableReason =
  /** 429. */
  | 'rate_limited'
  /** 5xx (not 501), 408, 425. */
  | 'server_error'
  | 'timeout'
  /** Refused, reset, DNS or another network failure. */
  | 'connection'
  /** The caller's signal cancelled the call (shutdown): nothing is known, try again. */
  | 'aborted'
  /** The token endpoint was unreachable or answered 429/5xx. */
  | 'token_unavailable';

/** Nothing was decided: send the same payload again later. */
export interface PostClrRetryable {
  kind: 'retryable';
  reason: RetryableReason;
  /** The HTTP status (of postClr or of the token endpoint), when there was an answer. */
  status?: number;
  /** What the provider's `Retry-After` asked for, in seconds from the answer. */
  retryAfterSeconds?: number;
  /** Short, code-only description; no payload, no provider free text. */
  error: string;
  /** The provider's imsx_StatusInfo, when the answer had one. */
  imsx?: ParsedImsxStatus;
  /** The error answer's JSON body as received (for the delivery record), when it was JSON. */
  imsxBody?: string;
  tokenRefreshed: boolean;
}

export type RejectedReason =
  /** 400/422: the provider found the payload invalid. */
  | 'invalid_data'
  /** 401 even with a fresh token. */
  | 'unauthorized'
  /** 403: the token lacks the replace scope, or the client may not post here. */
  | 'forbidden'
  /** 404/405/501: the provider does not serve postClr at this URL. */
  | 'not_supported'
  /** 406/415: the provider does not take `application/ld+json`. */
  | 'not_acceptable'
  /** 413. */
  | 'payload_too_large'
  /** Any other 4xx (421 misdirected, 409 ...). */
  | 'client_error'
  /** A redirect or another status postClr does not define. */
  | 'unexpected_status'
  /** The token endpoint refused our client or scopes, or answered an unusable token. */
  | 'token_rejected'
  /** The target's URLs are unusable (not absolute, plain http to a remote host ...). */
  | 'invalid_target';

/** Sending the same payload again will fail the same way: a person must look. */
export interface PostClrRejected {
  kind: 'rejected';
  reason: RejectedReason;
  status?: number;
  error: string;
  imsx?: ParsedImsxStatus;
  /** The error answer's JSON body as received (for the delivery record), when it was JSON. */
  imsxBody?: string;
  /** The token endpoint's OAuth `error` (e.g. `invalid_client`), for reason `token_rejected`. */
  oauthError?: string;
  tokenRefreshed: boolean;
}

/** What became of one postClr call. HTTP statuses are outcomes, never exceptions. */
export type PostClrOutcome = PostClrDelivered | PostClrRetryable | PostClrRejected;
