import { Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { PROVIDER_STATE } from '../provider-options';
import { type IssuedToken, type ProviderState } from '../state/provider-state';
import { ProviderHttpError } from './provider-http.error';

const REALM = 'clr';

/**
 * Checks the bearer token of a CLR request (RFC 6750): 401 with `WWW-Authenticate` when it is
 * missing, unknown or expired, 403 `insufficient_scope` when it lacks the operation's scope.
 */
@Injectable()
export class BearerAuthService {
  constructor(@Inject(PROVIDER_STATE) private readonly state: ProviderState) {}

  /**
   * @param forcedRejection whether a `/_provider/reject-tokens` rejection applies to this
   *   request (postClr only), so the caller sees a 401 for a token that is otherwise valid.
   */
  authenticate(request: Request, requiredScope: string, forcedRejection = false): IssuedToken {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (header === undefined) {
      throw unauthorized('No bearer token given', `Bearer realm="${REALM}"`);
    }
    if (match?.[1] === undefined) {
      throw unauthorized(
        'The Authorization header is not a bearer token',
        `Bearer realm="${REALM}", error="invalid_request"`,
      );
    }
    const found = this.state.findToken(match[1]);
    if (found === 'unknown' || found === 'expired') {
      throw unauthorized(
        found === 'expired' ? 'The access token has expired' : 'The access token is not known',
        `Bearer realm="${REALM}", error="invalid_token"`,
      );
    }
    if (forcedRejection && this.state.takeTokenRejection()) {
      throw unauthorized(
        'The access token was rejected (forced by the test-control API)',
        `Bearer realm="${REALM}", error="invalid_token"`,
      );
    }
    if (!found.scopes.includes(requiredScope)) {
      throw new ProviderHttpError(403, `The access token lacks the scope ${requiredScope}`, {
        codeMinor: 'forbidden',
        headers: {
          'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${requiredScope}"`,
        },
      });
    }
    return found;
  }
}

function unauthorized(description: string, challenge: string): ProviderHttpError {
  return new ProviderHttpError(401, description, {
    codeMinor: 'unauthorizedrequest',
    headers: { 'WWW-Authenticate': challenge },
  });
}
