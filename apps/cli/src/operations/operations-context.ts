import { userInfo } from 'node:os';
import { type AppConfig } from '@app/config';
import { JobProducer, QueueName, redisConnectionOptions } from '@app/jobs';
import { type OperationActor, OperationsModule, PublishingModule, WalletsModule } from '@app/publishing';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { explainStoreError, loadCliConfig } from '../cli-config';
import { CliInputError } from '../cli.errors';

@Module({})
class CliOperationsModule {}

/** How long a command waits for Redis to answer before saying it cannot reach it. */
const REDIS_TIMEOUT_MS = 5_000;

/** What an operator command runs with: the shared operations (and wallet operations) over the configured store and Redis. */
export interface OperationsContext {
  app: INestApplicationContext;
  config: AppConfig;
  /** The operator as the audit log names them: `cli:<OS user>`. */
  actor: OperationActor;
}

/**
 * Opens the operations (`@app/publishing` OperationsModule) on the configuration of `--config`,
 * runs `work` and closes everything. Redis is asked first with one plain PING (no retries), so
 * a command says it cannot reach Redis (exit 2) instead of waiting for it; the queues are then
 * connected before `work` runs (BullMQ cannot close a queue still connecting without an
 * unhandled error). The store must be migrated (`clr-publisher migrate`): exit 2 saying so.
 */
export async function withOperations<T>(
  configPath: string | undefined,
  work: (context: OperationsContext) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig(configPath);
  await pingRedis(config);
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(
      {
        module: CliOperationsModule,
        imports: [PublishingModule.forApp(config), OperationsModule, WalletsModule],
      },
      { logger: false, abortOnError: false },
    );
  } catch (error) {
    explainStoreError(error);
  }
  try {
    await queuesReady(app, config);
    return await work({ app, config, actor: { actor: cliActor(), via: 'cli' } });
  } finally {
    await app.close();
  }
}

/** `cli:<OS user>`; `cli` where the user cannot be read (some containers). */
export function cliActor(): string {
  try {
    const name = userInfo().username;
    return name === '' ? 'cli' : `cli:${name}`.slice(0, 200);
  } catch {
    return 'cli';
  }
}

async function pingRedis(config: AppConfig): Promise<void> {
  const client = new Redis({
    ...redisConnectionOptions(config.redis.url),
    lazyConnect: true,
    connectTimeout: REDIS_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The first socket error says more ("connect ECONNREFUSED ...") than ioredis' rejection does.
  let socketError: unknown;
  client.on('error', (error: unknown) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw unreachable(config, socketError ?? error);
  } finally {
    client.disconnect();
  }
}

async function queuesReady(app: INestApplicationContext, config: AppConfig): Promise<void> {
  const producer = app.get(JobProducer);
  const ready = Promise.all(Object.values(QueueName).map((name) => producer.queue(name).waitUntilReady()));
  ready.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), REDIS_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    throw unreachable(config, error);
  } finally {
    clearTimeout(timer);
  }
}

function unreachable(config: AppConfig, error: unknown): CliInputError {
  // Socket errors may come from another realm (instanceof Error is not reliable for them).
  const message = (error as { message?: unknown } | null)?.message;
  const reason = typeof message === 'string' ? message.split('\n')[0] : String(error);
  return new CliInputError(
    `Redis at ${safeRedisHost(config.redis.url)} does not answer (${reason}); nothing was changed`,
  );
}

/** host:port of the Redis URL, never its password. */
function safeRedisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
  } catch {
    return 'the configured URL';
  }
}
