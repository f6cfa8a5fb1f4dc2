import { QueueName } from '@app/jobs';

/** Injection token of the {@link WorkerOptions}. */
export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');

/** Which queues this process consumes, and how many jobs of each at once. */
export interface WorkerOptions {
  queues: readonly QueueName[];
  concurrency: Readonly<Partial<Record<QueueName, number>>>;
}

/** Every queue the pipeline has. */
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
