import { type INestApplicationContext, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type LogLevel } from '@app/observability';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { WorkerModule, type WorkerModuleOptions, workerLogLevel } from './worker.module';

/** A worker running in this process. */
export interface RunningWorker {
  app: INestApplicationContext;
  /** Stops consuming (jobs in hand finish first), publishes a last metrics snapshot and closes the store, SIS pools and Redis. */
  close(): Promise<void>;
}

export interface StartWorkerOptions extends WorkerModuleOptions {
  /**
   * Console-style logging for commands and tests, as Nest's `logger` option: `false` writes
   * nothing; a list of Nest levels writes the JSON lines from the most verbose of them, to
   * stderr (a command's stdout stays its own). Ignored when `logging` is given.
   */
  logger?: false | NestLogLevel[];
}

const PINO_LEVEL: Record<NestLogLevel, LogLevel> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const VERBOSITY: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The `logging` options for the console-style `logger` option. */
export function consoleLogging(logger: false | NestLogLevel[]): NonNullable<WorkerModuleOptions['logging']> {
  if (logger === false) return { level: 'silent' };
  const levels = logger.map((level) => PINO_LEVEL[level]);
  const level = VERBOSITY.find((candidate) => levels.includes(candidate));
  return level === undefined
    ? { level: 'silent' }
    : { level, destination: pino.destination({ dest: 2, sync: true }) };
}

/**
 * Starts the worker's consumers in this process: the worker app's `main`, and in-process for
 * `clr-publisher sync --inline`, the demo and end-to-end tests. Nest's own logs go through the
 * worker's JSON logger.
 *
 * Several apps in one process (the demo, tests) share one Nest logger (the last installed) and
 * nestjs-pino's logger for lines outside a request (the first created): give them the same
 * destination to read every line.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { logger, ...moduleOptions } = options;
  const logging = moduleOptions.logging ?? (logger === undefined ? undefined : consoleLogging(logger));
  const silent = workerLogLevel({ ...moduleOptions, logging }) === 'silent';
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ ...moduleOptions, logging }),
    silent ? { logger: false, abortOnError: false } : { bufferLogs: true, abortOnError: false },
  );
  if (!silent) {
    app.useLogger(app.get(Logger));
    app.flushLogs();
  }
  await app.init();
  return { app, close: () => app.close() };
}
