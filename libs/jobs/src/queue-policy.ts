import { type JobsOptions } from 'bullmq';
import { QueueName } from './job-catalogue';

/**
 * Retry policy, one place per queue. Extract and build retry infrastructure failures (SIS or
 * database briefly away) a few times; their handlers are idempotent. Delivery retries are
 * decided by the delivery handler itself (Retry-After, per-target limits, dead after the
 * configured attempts), so BullMQ only retries a crashed handler once.
 */
export const QUEUE_POLICY: Record<QueueName, JobsOptions> = {
  [QueueName.Extract]: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
  [QueueName.Build]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
  [QueueName.Deliver]: {
    attempts: 2,
    backoff: { type: 'fixed', delay: 5_000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
};
