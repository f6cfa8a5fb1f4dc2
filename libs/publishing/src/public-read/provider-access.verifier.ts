import { CLR_SCOPES } from '@app/clr';
import { type ProviderApiConfig } from '@app/config';
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';

/** Why a request may not read CLRs, and how to answer it (RFC 6750 §3). */
export interface ProviderAccessDenial {
  /** 401: no or bad token; 403: a good token without the scope; 503: the JWKS is unreachable. */
  status: 401 | 403 | 503;
  /** RFC 6750 error code for `WWW-Authenticate`; absent when no credentials were sent. */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Safe to show: names what failed, never echoes the token. */
  description: string;
}

export type ProviderAccess =
  { granted: true; clientId?: string } | { granted: false; denial: ProviderAccessDenial };

/** The scope a provider read needs. */
export const PROVIDER_READ_SCOPE = CLR_SCOPES.readonly;
/** Longest Authorization header value looked at (a JWT is a few KB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Checks the bearer token of a provider read (`GET /clrs`, `/clrs/{id}`): a JWT from the
 * configured authorization server (signature by a key of its JWKS, one of the allowed
 * algorithms, `iss`, `aud`, `exp` required, `nbf`/`iat` with the clock tolerance) carrying the
 * readonly scope in `scope` (space-separated) or `scp` (array or string). Without a `providerApi`
 * configuration every request is refused: the CLRs are never open.
 */
export class ProviderAccessVerifier {
  private readonly keys: JWTVerifyGetKey | undefined;

  constructor(
    private readonly config: ProviderApiConfig | undefined,
    /** The key source (tests may pass a local one); default: the configured remote JWKS. */
    keys?: JWTVerifyGetKey,
  ) {
    this.keys =
      keys ??
      (config === undefined
        ? undefined
        : createRemoteJWKSet(new URL(config.jwksUrl), {
            timeoutDuration: config.jwksTimeoutMs,
            cacheMaxAge: config.jwksCacheSeconds * 1000,
          }));
  }

  /** Whether provider reads are configured at all. */
  get enabled(): boolean {
    return this.config !== undefined;
  }

  /** Checks an `Authorization` header value. Never throws. */
  async verify(authorization: string | undefined): Promise<ProviderAccess> {
    if (this.config === undefined || this.keys === undefined) {
      return deny(401, 'invalid_token', 'this publisher accepts no tokens for reading CLRs');
    }
    if (authorization === undefined || authorization.trim() === '') {
      return deny(401, undefined, 'a bearer token with the readonly scope is required');
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
    if (match === null || authorization.length > MAX_TOKEN_LENGTH) {
      return deny(401, 'invalid_request', 'the Authorization header must be "Bearer <token>"');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { granted: false, denial: denialOf(error) };
    }
    if (!scopesOf(payload).includes(PROVIDER_READ_SCOPE)) {
      return deny(403, 'insufficient_scope', `the token does not carry the scope ${PROVIDER_READ_SCOPE}`);
    }
    const clientId = payload['client_id'] ?? payload['azp'];
    if (typeof clientId !== 'string' || !this.config.readers.includes(clientId)) {
      return deny(403, undefined, 'the token was not issued to a client allowed to read learners’ CLRs');
    }
    return { granted: true, clientId };
  }
}

/** The scopes a token grants: `scope` (RFC 8693/9068, space-separated) or `scp` (array or string). */
export function scopesOf(payload: JWTPayload): string[] {
  const scopes: string[] = [];
  for (const claim of [payload['scope'], payload['scp']]) {
    if (typeof claim === 'string') scopes.push(...claim.split(/\s+/).filter((s) => s !== ''));
    else if (Array.isArray(claim)) scopes.push(...claim.filter((s): s is string => typeof s === 'string'));
  }
  return scopes;
}

function deny(
  status: ProviderAccessDenial['status'],
  error: ProviderAccessDenial['error'],
  description: string,
): ProviderAccess {
  const denial: ProviderAccessDenial = { status, description };
  if (error !== undefined) denial.error = error;
  return { granted: false, denial };
}

/** jose's error codes mapped to an answer; anything unknown is the JWKS being unreachable. */
function denialOf(error: unknown): ProviderAccessDenial {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const invalid = (description: string): ProviderAccessDenial => ({
    status: 401,
    error: 'invalid_token',
    description,
  });
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return invalid('the token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      return invalid(
        typeof claim === 'string' && /^[a-z_]{1,20}$/.test(claim)
          ? `the token's "${claim}" claim is not accepted`
          : 'a claim of the token is not accepted',
      );
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalid('the token signature does not verify');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalid('no key of the authorization server matches the token');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return invalid('the token is signed with an algorithm that is not accepted');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return invalid('the token is not a well-formed signed JWT');
    default:
      // JWKS timeout, invalid JWKS, network failure: the authorization server's outage, not the
      // caller's mistake, so not a 401 the client would act on by dropping its token.
      return {
        status: 503,
        description: 'the token cannot be checked right now: the authorization server keys are unavailable',
      };
  }
}
