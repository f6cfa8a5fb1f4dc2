import { type RegisteredClient } from '../../state/provider-state';

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/**
 * One grant type of the token endpoint. The client is already authenticated and registered for
 * `grantType`; the handler checks the grant's own parameters and issues the token, throwing
 * `OAuthHttpError` (`invalid_scope`, `invalid_grant` ...) otherwise.
 *
 * The client-credentials grant lives in this module. The authorization-code + PKCE and
 * refresh-token grants will be a separate module that registers its handlers with
 * {@link GrantRegistry} and adds the `/oauth/authorize` controller.
 */
export interface TokenGrantHandler {
  readonly grantType: string;
  handle(client: RegisteredClient, params: URLSearchParams): TokenResponseBody;
}
