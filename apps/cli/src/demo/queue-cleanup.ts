import { QueueName, redisConnectionOptions } from '@app/jobs';
import { snapshotKey } from '@app/observability';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * Removes what a run kept under `prefix` in Redis: every queue (jobs, counters, locks) and the
 * workers' metrics snapshots.
 */
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  const connection = redisConnectionOptions(redisUrl);
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { connection, prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
  const redis = new Redis({ ...connection, maxRetriesPerRequest: 1 });
  try {
    await redis.del(snapshotKey(prefix));
  } finally {
    redis.disconnect();
  }
}
