import { type Request } from 'express';
import { PROVIDER_READ_SCOPE, type ProviderAccessDenial, type ProviderAccessVerifier } from '@app/publishing';
import { PublicHttpError } from './public-http.error';

/**
 * Lets a provider read through only with a valid bearer token carrying the readonly scope;
 * otherwise throws the RFC 6750 answer: 401 or 403 with `WWW-Authenticate`, or 503 with
 * `Retry-After` when the authorization server's keys cannot be fetched.
 */
export async function requireProviderAccess(
  verifier: ProviderAccessVerifier,
  request: Request,
): Promise<void> {
  const access = await verifier.verify(request.headers.authorization);
  if (!access.granted) throw denialError(access.denial);
}

function denialError(denial: ProviderAccessDenial): PublicHttpError {
  if (denial.status === 503) {
    return new PublicHttpError(503, denial.description, {
      codeMinor: 'server_busy',
      headers: { 'Retry-After': '30' },
    });
  }
  const parameters = [`realm="clr-publisher"`, `scope="${PROVIDER_READ_SCOPE}"`];
  if (denial.error !== undefined) {
    parameters.push(
      `error="${denial.error}"`,
      `error_description="${denial.description.replace(/"/g, "'")}"`,
    );
  }
  return new PublicHttpError(denial.status, denial.description, {
    codeMinor: denial.status === 403 ? 'forbidden' : 'unauthorizedrequest',
    headers: { 'WWW-Authenticate': `Bearer ${parameters.join(', ')}` },
  });
}
