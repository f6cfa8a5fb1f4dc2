import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** Name of the bearer security scheme in the OpenAPI document. */
export const ADMIN_BEARER = 'admin';

/**
 * OpenAPI decorations every /admin controller shares: the tag, the bearer scheme and the
 * 401/403/503 answers. Authentication itself does not depend on it (the global guard covers
 * every /admin route).
 */
export const AdminApi = (tag: string): ClassDecorator =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(ADMIN_BEARER),
    ApiUnauthorizedResponse({
      description: 'No token, or a token that was refused (WWW-Authenticate says why)',
    }),
    ApiForbiddenResponse({ description: 'The token does not grant the role this route needs' }),
    ApiServiceUnavailableResponse({
      description: 'A dependency (database, Redis, the OIDC issuer) is unavailable',
    }),
  );
