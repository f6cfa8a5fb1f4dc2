import { readFileSync } from 'node:fs';
import { type AppConfig, resolveFromRoot } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { type NextFunction, type Request, type Response } from 'express';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { type ApiModuleOptions, ApiModule } from './api.module';
import { serveAdminDocs } from './docs/admin-docs';

export type CreateApiAppOptions = Omit<ApiModuleOptions, 'config'>;

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(resolveFromRoot('package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * JSON bodies parsed ahead of Nest's own parser (which then finds them parsed), so that a body
 * that is not JSON reaches the error filter as `invalid_json`: Nest turns the parser's
 * SyntaxError into a 400 carrying the parser's message, which quotes the body (a SIS id typed
 * into a request must not come back in an error).
 */
function parseJsonBodies(app: NestExpressApplication): void {
  app.useBodyParser('json');
  app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const parseFailed = (error as { type?: unknown } | null)?.type === 'entity.parse.failed';
    next(
      parseFailed
        ? Object.assign(new Error('The request body is not valid JSON'), {
            status: 400,
            statusCode: 400, // what Nest's own filter (the public /ims routes) reads
            expose: true,
            type: 'entity.parse.failed',
          })
        : error,
    );
  });
}

/**
 * What every api app gets once created: the pino logger for Nest's own logs, no `X-Powered-By`,
 * JSON bodies whose parse errors quote nothing, and the OpenAPI document of /admin at
 * /admin/docs (unless `admin.docs: false`). Apply it to an app created from a module that
 * imports `ApiModule.forRoot` (tests add controllers that way) with `bufferLogs: true`.
 */
export function configureApiApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  parseJsonBodies(app);
  if (config.admin.docs) serveAdminDocs(app, packageVersion());
}

/**
 * The api app for a validated configuration, created and initialised but not listening:
 * `main.ts` listens on `http.host:http.port`; tests and the demo call `app.listen(0)` or hand
 * `app.getHttpServer()` to supertest, and `app.close()` when done.
 */
export async function createApiApp(
  config: AppConfig,
  options: CreateApiAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot({ config, ...options }), {
    bufferLogs: true,
    abortOnError: false,
  });
  configureApiApp(app, config);
  await app.init();
  return app;
}
