import { type INestApplication, type LoggerService } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: stop taking connections, let requests in flight finish, close the
 * store, SIS pools, queues and Redis (`app.close()`), then exit 0. Exits 1 when that takes more
 * than `timeoutMs` (a hung dependency must not keep a stopping pod alive).
 */
export function exitOnSignals(app: INestApplication, logger: LoggerService, timeoutMs = 15_000): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down (at most ${timeoutMs} ms)`, 'Shutdown');
    const force = setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting`, undefined, 'Shutdown');
      process.exit(1);
    }, timeoutMs);
    app
      .close()
      .then(() => {
        clearTimeout(force);
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(
          `shutdown failed: ${error instanceof Error ? error.name : 'error'}`,
          undefined,
          'Shutdown',
        );
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
