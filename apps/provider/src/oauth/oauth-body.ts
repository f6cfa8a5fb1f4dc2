import { type Request } from 'express';
import { mediaTypeOf, readBoundedBody } from '../common/http-body';
import { OAuthHttpError, ProviderHttpError } from '../common/provider-http.error';

/** Reads an OAuth endpoint's body, turning size errors into the OAuth error shape. */
export async function readOAuthBody(
  request: Request,
  maxBytes: number,
  expectedMediaType: 'application/json' | 'application/x-www-form-urlencoded',
): Promise<Buffer> {
  const mediaType = mediaTypeOf(request.headers['content-type']);
  if (mediaType !== expectedMediaType) {
    request.resume();
    throw new OAuthHttpError(
      400,
      expectedMediaType === 'application/json' ? 'invalid_client_metadata' : 'invalid_request',
      `Content-Type must be ${expectedMediaType}`,
    );
  }
  try {
    return await readBoundedBody(request, maxBytes);
  } catch (error) {
    if (error instanceof ProviderHttpError) {
      throw new OAuthHttpError(error.status, 'invalid_request', error.description);
    }
    throw error;
  }
}
