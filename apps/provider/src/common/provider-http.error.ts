import { imsxCodeMinorForHttpStatus, type ImsxCodeMinorValue } from '@app/clr';

/**
 * An error the provider answers with on the CLR endpoints (and `/_provider`): the filter turns
 * it into an `imsx_StatusInfo` body. `description` is shown to the caller, so it names fields
 * and reasons, never submitted values.
 */
export class ProviderHttpError extends Error {
  readonly codeMinor: ImsxCodeMinorValue;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly description: string,
    options: { codeMinor?: ImsxCodeMinorValue; headers?: Record<string, string> } = {},
  ) {
    super(`HTTP ${status}: ${description}`);
    this.name = 'ProviderHttpError';
    this.codeMinor = options.codeMinor ?? imsxCodeMinorForHttpStatus(status);
    this.headers = options.headers ?? {};
  }
}

/** RFC 6749 §5.2 / RFC 7591 §3.2.2 error codes the OAuth endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata';

/**
 * An error of the OAuth endpoints (`/oauth/*`). OAuth clients parse RFC 6749 bodies
 * (`{ error, error_description }`), not imsx, so these keep the OAuth shape.
 */
export class OAuthHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}: ${error}: ${description}`);
    this.name = 'OAuthHttpError';
  }
}
