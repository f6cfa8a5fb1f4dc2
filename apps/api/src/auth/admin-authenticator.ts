import { type AdminRole, type AppConfig, InjectAppConfig } from '@app/config';
import { loggableError } from '@app/observability';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { authenticationUnavailable, insufficientRole, invalidToken, missingToken } from './admin-auth.errors';
import { type AdminPrincipal, grants } from './admin-principal';
import { OidcTokenVerifier, OidcVerificationError } from './oidc-token.verifier';
import { StaticTokenVerifier } from './static-token.verifier';

// RFC 6750 b64token, bounded so a huge header costs nothing to refuse.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_TOKEN_LENGTH = 8192;
const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The password of Basic credentials (the user part is ignored), or undefined. */
function basicPassword(header: string): string | undefined {
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return password === '' ? undefined : password;
}

/**
 * Turns an `Authorization` header into an {@link AdminPrincipal}: a configured static token
 * (compared by SHA-256, constant time) or, when an OIDC issuer is configured, a JWT it signed.
 * Used by the guard of every /admin route and by the middleware in front of the queue dashboard.
 */
@Injectable()
export class AdminAuthenticator implements OnModuleInit {
  private readonly logger = new Logger('AdminAuth');
  private readonly tokens: StaticTokenVerifier;
  private readonly oidc: OidcTokenVerifier | undefined;

  constructor(@InjectAppConfig() config: AppConfig) {
    this.tokens = new StaticTokenVerifier(config.admin.tokens);
    this.oidc = config.admin.oidc === undefined ? undefined : new OidcTokenVerifier(config.admin.oidc);
  }

  onModuleInit(): void {
    if (this.tokens.size === 0 && this.oidc === undefined) {
      this.logger.warn(
        'admin: no tokens and no OIDC issuer configured; every /admin request will be refused',
      );
    }
  }

  /**
   * @param options.allowBasic also take `Basic base64(<any user>:<token>)`: what a browser
   *   sends after a Basic challenge (the queue dashboard, whose own requests carry no bearer).
   * @throws ApiError 401 (missing or refused token) or 503 (the OIDC issuer's keys out of reach).
   */
  async authenticate(
    header: string | string[] | undefined,
    options: { allowBasic?: boolean } = {},
  ): Promise<AdminPrincipal> {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === '') throw missingToken();
    if (value.length > MAX_TOKEN_LENGTH) throw invalidToken('the Authorization header is too long');
    const token = BEARER.exec(value)?.[1] ?? (options.allowBasic === true ? basicPassword(value) : undefined);
    if (token === undefined)
      throw invalidToken(
        options.allowBasic === true
          ? 'expected "Bearer <token>" or Basic credentials'
          : 'expected "Bearer <token>"',
      );
    const principal = this.tokens.verify(token);
    if (principal !== undefined) return principal;
    if (this.oidc !== undefined && JWT_SHAPE.test(token)) return this.verifyJwt(this.oidc, token);
    throw invalidToken('unknown token');
  }

  /** @throws ApiError 403 when the principal's role is not enough. */
  authorize(principal: AdminPrincipal, need: AdminRole): void {
    if (!grants(principal, need)) throw insufficientRole(need, principal.role);
  }

  private async verifyJwt(oidc: OidcTokenVerifier, token: string): Promise<AdminPrincipal> {
    try {
      return await oidc.verify(token);
    } catch (error) {
      if (error instanceof OidcVerificationError && error.kind === 'invalid')
        throw invalidToken(error.message);
      this.logger.error({ err: loggableError(error) }, 'admin: OIDC keys unavailable');
      throw authenticationUnavailable();
    }
  }
}
