import { ApiError } from '../errors/api-error';

/** The realm named in every `WWW-Authenticate` challenge of /admin. */
export const ADMIN_REALM = 'clr-publisher-admin';

function challenge(error?: string, description?: string): string {
  const parts = [`realm="${ADMIN_REALM}"`];
  if (error !== undefined) parts.push(`error="${error}"`);
  if (description !== undefined) parts.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** No bearer token (RFC 6750 §3.1: a bare challenge). */
export function missingToken(): ApiError {
  return new ApiError(401, 'unauthorized', 'This route needs Authorization: Bearer <token>', undefined, {
    'WWW-Authenticate': challenge(),
  });
}

/** A token that is malformed, unknown, expired or signed by someone else. */
export function invalidToken(reason: string): ApiError {
  return new ApiError(401, 'invalid_token', `The bearer token was refused: ${reason}`, undefined, {
    'WWW-Authenticate': challenge('invalid_token', reason),
  });
}

/** A valid token whose role is not enough. */
export function insufficientRole(need: string, have: string | null): ApiError {
  return new ApiError(
    403,
    'forbidden',
    `This route needs the ${need} role; the token grants ${have ?? 'no role'}`,
    { required: need, granted: have },
    { 'WWW-Authenticate': challenge('insufficient_scope', `needs the ${need} role`) },
  );
}

/** The OIDC issuer or its keys could not be reached: an outage, not the caller's fault. */
export function authenticationUnavailable(): ApiError {
  return new ApiError(
    503,
    'authentication_unavailable',
    "The token issuer's keys cannot be fetched right now; try again later",
    undefined,
    { 'Retry-After': '30' },
  );
}
