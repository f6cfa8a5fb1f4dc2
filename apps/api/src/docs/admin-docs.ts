import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ADMIN_BEARER } from '../admin/admin-api.decorator';

/** Where the OpenAPI document of /admin is served (UI) and its JSON. */
export const ADMIN_DOCS_PATH = 'admin/docs';
export const ADMIN_DOCS_JSON_PATH = 'admin/docs/openapi.json';

/**
 * The OpenAPI document of the /admin routes (routes elsewhere are left out), built from the
 * controllers' swagger decorators, with the bearer scheme every route needs.
 */
export function adminOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('clr-publisher admin API')
    .setDescription(
      'Operate the publisher: runs, deliveries, keys, audit. Every route needs `Authorization: Bearer <token>` ' +
        '(a configured static token or a JWT of the configured OIDC issuer). Reading needs the viewer role, ' +
        'changing the operator role; every change is written to the audit log. Errors are ' +
        '`{ error: { code, message, details? }, requestId }`.',
    )
    .setVersion(version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Static admin token or OIDC JWT' },
      ADMIN_BEARER,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => path === '/admin' || path.startsWith('/admin/')),
  );
  return document;
}

/**
 * Serves the document at /admin/docs (UI) and /admin/docs/openapi.json. They describe routes
 * only, so they are readable without a token (the UI's "Authorize" button takes one for its
 * calls); `admin.docs: false` turns them off.
 */
export function serveAdminDocs(app: INestApplication, version: string): void {
  const document = adminOpenApiDocument(app, version);
  SwaggerModule.setup(ADMIN_DOCS_PATH, app, document, {
    jsonDocumentUrl: ADMIN_DOCS_JSON_PATH,
    yamlDocumentUrl: 'admin/docs/openapi.yaml',
    customSiteTitle: 'clr-publisher admin API',
  });
}
