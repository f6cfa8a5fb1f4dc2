import { redisConnectionOptions } from '@app/jobs';
import { type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * The api's own Redis connection for probes and scrapes (health PING, queue depths, worker
 * metric snapshots). Unlike the queues' connection it fails fast while Redis is down (no
 * offline queue, one retry), so a probe answers "down" instead of waiting for Redis to return.
 */
export class OpsRedis implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis({
      ...redisConnectionOptions(url),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      lazyConnect: true,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
    });
    // Failures surface through the commands that need Redis; the probe reports them.
    this.client.on('error', () => undefined);
  }

  /** Resolves when connected, or rejects after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<Redis> {
    const client = this.client;
    if (client.status === 'ready') return client;
    if (client.status === 'wait') client.connect().catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error(`Redis not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
    return client;
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
