import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OAuthHttpError } from '../../common/provider-http.error';
import { PROVIDER_STATE } from '../../provider-options';
import { type ProviderState, type RegisteredClient } from '../../state/provider-state';
import { OFFLINE_ACCESS_SCOPE } from '../registration-request';
import { GrantRegistry } from './grant-registry.service';
import { type TokenGrantHandler, type TokenResponseBody } from './token-grant';

/**
 * RFC 6749 §4.4: the client acts for itself (a publisher posting an institution's CLRs).
 * Without `scope` the client gets every CLR scope it registered; a scope it did not register
 * is `invalid_scope`. No refresh token (§4.4.3).
 */
@Injectable()
export class ClientCredentialsGrant implements TokenGrantHandler, OnModuleInit {
  readonly grantType = 'client_credentials';

  constructor(
    private readonly registry: GrantRegistry,
    @Inject(PROVIDER_STATE) private readonly state: ProviderState,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  handle(client: RegisteredClient, params: URLSearchParams): TokenResponseBody {
    const allowed = client.scopes.filter((scope) => scope !== OFFLINE_ACCESS_SCOPE);
    const requested = params.get('scope');
    let scopes: string[];
    if (requested === null || requested.trim() === '') {
      scopes = allowed;
    } else {
      scopes = [...new Set(requested.split(' ').filter((scope) => scope !== ''))];
      const refused = scopes.filter((scope) => !allowed.includes(scope));
      if (refused.length > 0) {
        throw new OAuthHttpError(
          400,
          'invalid_scope',
          `Scope not granted to this client: ${refused.join(' ')}`,
        );
      }
    }
    const issued = this.state.issueToken(client.clientId, scopes);
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: scopes.join(' '),
    };
  }
}
