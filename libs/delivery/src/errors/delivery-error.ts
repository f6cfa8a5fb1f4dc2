/** What went wrong talking to a CLR provider, outside postClr (which returns outcomes). */
export type DeliveryErrorCode =
  /** The target's URL or configuration is unusable (not absolute, not https ...). */
  | 'invalid_target'
  /** No response from the provider (timeout, refused, reset, DNS). */
  | 'unreachable'
  /** The provider answered 429 or 5xx. */
  | 'provider_unavailable'
  /** The discovery document is missing or not a valid CLR 1.0 DiscoveryDocument. */
  | 'discovery_invalid'
  /** The registration endpoint refused the request (RFC 7591 error) or answered nonsense. */
  | 'registration_rejected'
  /** The token endpoint refused the client (invalid_client, invalid_scope, ...). */
  | 'token_rejected'
  /** The token endpoint answered something that is not a usable bearer token. */
  | 'token_invalid'
  /** Another process is refreshing this wallet connection's token (refresh tokens rotate). */
  | 'refresh_in_progress';

/**
 * A failure of discovery, registration or the token endpoint. `message` holds codes, statuses
 * and field names only (no provider free text beyond the OAuth `error` code, no secrets).
 */
export class DeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly details: {
      /** HTTP status of the answer, when there was one. */
      status?: number;
      /** The OAuth `error` code, when the answer carried one. */
      oauthError?: string;
      /** Seconds the provider asked us to wait. */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }

  /** Whether the same call may succeed later without changing anything. */
  get retryable(): boolean {
    return (
      this.code === 'unreachable' ||
      this.code === 'provider_unavailable' ||
      this.code === 'refresh_in_progress'
    );
  }
}
