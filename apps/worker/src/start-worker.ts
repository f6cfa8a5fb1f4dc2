import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule, type WorkerModuleOptions } from './worker.module';

/** A worker running in this process. */
export interface RunningWorker {
  app: INestApplicationContext;
  /** Stops consuming (jobs in hand finish first) and closes the store, SIS pools and Redis. */
  close(): Promise<void>;
}

/**
 * Starts the worker's consumers in this process: the worker app's `main`, and in-process for
 * `clr-publisher sync --inline`, the demo and end-to-end tests.
 */
export async function startWorker(
  options: WorkerModuleOptions & { logger?: false | ('log' | 'error' | 'warn' | 'debug' | 'verbose')[] },
): Promise<RunningWorker> {
  const { logger, ...moduleOptions } = options;
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(moduleOptions), {
    logger: logger ?? ['error', 'warn', 'log'],
    abortOnError: false,
  });
  await app.init();
  return { app, close: () => app.close() };
}
