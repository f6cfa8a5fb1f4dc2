import { QueueName, redisConnectionOptions } from '@app/jobs';
import { Queue } from 'bullmq';

/** Removes every queue (jobs, counters, locks) kept under `prefix` in Redis. */
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { connection: redisConnectionOptions(redisUrl), prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}
