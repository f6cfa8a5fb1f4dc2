import { type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Logger } from 'pino';
import { httpLoggingOptions } from '../logging/http-logging';

export interface NestLoggingOptions {
  /** From {@link createLogger}. */
  logger: Logger;
  /** Paths whose successful requests log at debug (probes, scrapes). */
  quietPaths?: readonly string[];
}

/**
 * nestjs-pino's LoggerModule over the publisher's logger: Nest's own logs and every
 * `new Logger(Context)` go to the same JSON lines; in an HTTP app each request gets an id and
 * one line when it finishes. Use `app.useLogger(app.get(Logger))` (Logger from nestjs-pino)
 * after creating the app with `bufferLogs: true`. Works for the worker too (no requests there).
 */
export function nestLoggerModule(options: NestLoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: httpLoggingOptions({ logger: options.logger, quietPaths: options.quietPaths }),
  });
}
