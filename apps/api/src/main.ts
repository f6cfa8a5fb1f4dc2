import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './create-api-app';
import { exitOnSignals } from './graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  const logger = app.get(Logger);
  exitOnSignals(app, logger);
  await app.listen(config.http.port, config.http.host);
  logger.log(`listening on http://${config.http.host}:${config.http.port}`, 'Api');
}

bootstrap().catch((error: unknown) => {
  // A ConfigError lists every bad key with its path (never a value); other start-up failures name their class.
  const text = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`clr-publisher api: ${text}\n`);
  process.exit(1);
});
