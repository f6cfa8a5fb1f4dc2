import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OAuthHttpError } from '../../common/provider-http.error';
import { PROVIDER_STATE } from '../../provider-options';
import { type GrantRefusal } from '../../state/authorization-grants';
import { type ProviderState, type RegisteredClient } from '../../state/provider-state';
import { OFFLINE_ACCESS_SCOPE } from '../registration-request';
import { GrantRegistry } from '../grants/grant-registry.service';
import { type TokenGrantHandler, type TokenResponseBody } from '../grants/token-grant';

/**
 * RFC 6749 §4.1.3 + RFC 7636 §4.5: trades a single-use code for an access token, checking the
 * client, the redirect URI and the PKCE verifier. Clients registered for `refresh_token` also
 * get a refresh token.
 */
@Injectable()
export class AuthorizationCodeGrant implements TokenGrantHandler, OnModuleInit {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly registry: GrantRegistry,
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  handle(client: RegisteredClient, params: URLSearchParams): TokenResponseBody {
    const code = params.get('code');
    if (code === null || code === '') throw new OAuthHttpError(400, 'invalid_request', 'code is required');
    const redeemed = this.state.authorization.redeemCode(
      code,
      client.clientId,
      params.get('redirect_uri'),
      params.get('code_verifier'),
    );
    if (typeof redeemed === 'string') throw invalidGrant(redeemed);
    return issueTokens(this.state, client, redeemed.grantId, redeemed.scopes);
  }
}

/**
 * RFC 6749 §6 with rotation: each refresh token works once and the answer carries its
 * successor. A revoked grant (`/_provider/revoke-grants`) answers `invalid_grant`.
 */
@Injectable()
export class RefreshTokenGrant implements TokenGrantHandler, OnModuleInit {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly registry: GrantRegistry,
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  handle(client: RegisteredClient, params: URLSearchParams): TokenResponseBody {
    const token = params.get('refresh_token');
    if (token === null || token === '') {
      throw new OAuthHttpError(400, 'invalid_request', 'refresh_token is required');
    }
    const grant = this.state.authorization.useRefreshToken(token, client.clientId);
    if (typeof grant === 'string') throw invalidGrant(grant);
    const requested = params.get('scope');
    let scopes = grant.scopes;
    if (requested !== null && requested.trim() !== '') {
      scopes = [...new Set(requested.split(' ').filter((scope) => scope !== ''))];
      const refused = scopes.filter((scope) => !grant.scopes.includes(scope));
      if (refused.length > 0) {
        throw new OAuthHttpError(400, 'invalid_scope', `Scope beyond the grant: ${refused.join(' ')}`);
      }
    }
    return issueTokens(this.state, client, grant.grantId, scopes);
  }
}

function issueTokens(
  state: ProviderState,
  client: RegisteredClient,
  grantId: string,
  grantedScopes: string[],
): TokenResponseBody {
  const scopes = grantedScopes.filter((scope) => scope !== OFFLINE_ACCESS_SCOPE);
  const issued = state.issueToken(client.clientId, scopes, Date.now(), grantId);
  const body: TokenResponseBody = {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: scopes.join(' '),
  };
  if (client.grantTypes.includes('refresh_token')) {
    body.refresh_token = state.authorization.issueRefreshToken(grantId, client.clientId);
  }
  return body;
}

const REFUSALS: Record<GrantRefusal, string> = {
  unknown: 'The grant is not known',
  expired: 'The authorization code has expired',
  used: 'The grant was already used; the authorization is revoked',
  revoked: 'The authorization was revoked',
  'other-client': 'The grant was issued to another client',
  'redirect-mismatch': 'redirect_uri differs from the authorization request',
  'pkce-mismatch': 'code_verifier does not match the code_challenge',
};

function invalidGrant(refusal: GrantRefusal): OAuthHttpError {
  return new OAuthHttpError(400, 'invalid_grant', REFUSALS[refusal]);
}
