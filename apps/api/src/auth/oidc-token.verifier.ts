import { type AdminOidcConfig, type AdminRole } from '@app/config';
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { type AdminPrincipal } from './admin-principal';

/** Why a JWT was not accepted: the caller's token (`invalid`) or the issuer's keys out of reach (`unavailable`). */
export class OidcVerificationError extends Error {
  override readonly name = 'OidcVerificationError';

  constructor(
    readonly kind: 'invalid' | 'unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// jose codes that blame the token; the rest (timeouts, unreadable key sets, fetch failures) blame the issuer.
const TOKEN_FAULTS: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'the token has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim does not match',
  ERR_JWT_INVALID: 'the token is not a valid JWT',
  ERR_JWS_INVALID: 'the token is not a valid JWS',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the signature does not verify',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the signing algorithm is not accepted',
  ERR_JOSE_NOT_SUPPORTED: 'the signing algorithm is not supported',
  ERR_JWKS_NO_MATCHING_KEY: "no key of the issuer matches the token's key id",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "several keys of the issuer match the token's key id",
};

function classify(error: unknown): OidcVerificationError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in TOKEN_FAULTS) {
    let reason = TOKEN_FAULTS[code];
    // "iss" / "aud" / "nbf": name the claim, never its value.
    const claim = (error as { claim?: unknown }).claim;
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && typeof claim === 'string')
      reason = `the "${claim}" claim does not match`;
    return new OidcVerificationError('invalid', reason, { cause: error });
  }
  return new OidcVerificationError('unavailable', "the issuer's keys cannot be fetched", { cause: error });
}

/** A claim by dotted path (`realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  let current: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((item) => item !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function isTrustedUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Verifies JWTs of the configured OpenID Connect issuer: signature with the issuer's JWKS
 * (jose's remote key set: fetched with a timeout, cached, refetched for an unknown `kid` at most
 * once per cooldown), `iss`, `aud`, `exp`/`nbf` with the configured leeway, an allowed
 * asymmetric algorithm; then the actor and role from the configured claims.
 */
export class OidcTokenVerifier {
  private keys: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly config: AdminOidcConfig,
    private readonly fetchFn: FetchFunction = (input, init) => fetch(input, init),
  ) {
    if (config.jwksUri !== undefined) this.keys = this.remoteKeys(config.jwksUri);
  }

  /** @throws OidcVerificationError */
  async verify(token: string): Promise<AdminPrincipal> {
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw classify(error);
    }
    const actor = claimAt(payload, this.config.actorClaim);
    if (typeof actor !== 'string' || actor.trim() === '') {
      throw new OidcVerificationError('invalid', `the token has no "${this.config.actorClaim}" claim`);
    }
    return { actor: actor.trim().slice(0, 200), role: this.roleOf(payload), via: 'oidc' };
  }

  private roleOf(payload: JWTPayload): AdminRole | null {
    const values = new Set(stringsOf(claimAt(payload, this.config.rolesClaim)));
    if (this.config.roleValues.operator.some((value) => values.has(value))) return 'operator';
    if (this.config.roleValues.viewer.some((value) => values.has(value))) return 'viewer';
    return null;
  }

  private remoteKeys(uri: string): JWTVerifyGetKey {
    return createRemoteJWKSet(new URL(uri), {
      timeoutDuration: this.config.timeoutMs,
      cacheMaxAge: this.config.jwksCacheSeconds * 1000,
      cooldownDuration: this.config.jwksCooldownSeconds * 1000,
    });
  }

  /** The key set; without a configured `jwksUri`, found once through the issuer's discovery document. */
  private keySet(): Promise<JWTVerifyGetKey> {
    if (this.keys !== undefined) return Promise.resolve(this.keys);
    this.discovering ??= this.discover()
      .then((keys) => (this.keys = keys))
      .finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await this.fetchFn(url, {
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`discovery answered HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new OidcVerificationError('unavailable', "the issuer's discovery document cannot be fetched", {
        cause: error,
      });
    }
    const { issuer, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (issuer !== this.config.issuer || typeof jwksUri !== 'string' || !isTrustedUrl(jwksUri)) {
      // Misconfiguration on one side or the other: no token can be checked until it is fixed.
      throw new OidcVerificationError(
        'unavailable',
        'the discovery document does not name this issuer or a usable https jwks_uri',
      );
    }
    return this.remoteKeys(jwksUri);
  }
}
