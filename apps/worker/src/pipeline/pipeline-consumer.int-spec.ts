import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueName } from '@app/jobs';
import { describeWithService } from '@app/testing';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { PipelineConsumer } from './pipeline-consumer';
import { type WorkerOptions } from './worker-options';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

/** A consumer whose jobs all fail for good, recording what it is told. */
class FailingConsumer extends PipelineConsumer {
  protected readonly queue = QueueName.Build;
  protected readonly options: WorkerOptions = { queues: [QueueName.Build], concurrency: {} };
  protected override readonly failedJobSettle = { graceMs: 20, tries: 2, lookBackMs: 60_000 };
  readonly told: { jobId: string | undefined; message: string }[] = [];

  /** Once the jobs failed before it started have been taken up. */
  get takenUp(): Promise<void> {
    return this.swept;
  }

  process(): Promise<never> {
    return Promise.reject(new UnrecoverableError('the batch cannot be read'));
  }

  protected failedForGood(job: Job, error: Error): Promise<void> {
    this.told.push({ jobId: job.id, message: error.message });
    return Promise.resolve();
  }
}

describeWithService('redis', 'PipelineConsumer and jobs that failed for good', () => {
  const prefix = `t-consumer-${randomBytes(4).toString('hex')}`;

  it('tells its run of a job that failed for good, once, and nothing after shutdown', async () => {
    const consumer = new FailingConsumer();
    // What @nestjs/bullmq's explorer does: the consumer's worker, created stopped.
    const worker = new Worker(QueueName.Build, () => consumer.process(), {
      connection,
      prefix,
      autorun: false,
    });
    Object.defineProperty(consumer, '_worker', { value: worker });
    const queue = new Queue(QueueName.Build, { connection, prefix });
    try {
      consumer.onApplicationBootstrap();
      await queue.add('build-batch', { runId: 'r', batchId: 'b' }, { jobId: 'lost', attempts: 1 });
      for (let i = 0; i < 200 && consumer.told.length === 0; i += 1) await sleep(10);
      expect(consumer.told).toEqual([{ jobId: 'lost', message: 'the batch cannot be read' }]);

      await consumer.onApplicationShutdown();
      await queue.add('build-batch', { runId: 'r', batchId: 'c' }, { jobId: 'after', attempts: 1 });
      await sleep(150);
      expect(await queue.getJobState('after')).toBe('failed');
      expect(consumer.told.map((entry) => entry.jobId)).toEqual(['lost']);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('settles at start the jobs that failed for good while no consumer was left to settle them', async () => {
    const queue = new Queue(QueueName.Build, { connection, prefix: `${prefix}-start` });
    // A process that failed the job and stopped within the grace period.
    const earlier = new Worker(QueueName.Build, () => Promise.reject(new UnrecoverableError('left behind')), {
      connection,
      prefix: `${prefix}-start`,
    });
    earlier.on('error', () => undefined);
    const consumer = new FailingConsumer();
    const worker = new Worker(QueueName.Build, () => consumer.process(), {
      connection,
      prefix: `${prefix}-start`,
      autorun: false,
    });
    Object.defineProperty(consumer, '_worker', { value: worker });
    try {
      await queue.add('build-batch', { runId: 'r', batchId: 'b' }, { jobId: 'orphan', attempts: 1 });
      for (let i = 0; i < 200 && (await queue.getJobState('orphan')) !== 'failed'; i += 1) await sleep(10);
      await earlier.close();
      consumer.onApplicationBootstrap();
      await consumer.takenUp;
      for (let i = 0; i < 200 && consumer.told.length === 0; i += 1) await sleep(10);
      expect(consumer.told).toEqual([{ jobId: 'orphan', message: 'left behind' }]);
    } finally {
      await consumer.onApplicationShutdown();
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('shuts down right after it started without an error (its sweep still connecting)', async () => {
    const errors: unknown[] = [];
    const onRejection = (reason: unknown) => errors.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (let round = 0; round < 5; round += 1) {
        const consumer = new FailingConsumer();
        const worker = new Worker(QueueName.Build, () => consumer.process(), {
          connection,
          prefix: `${prefix}-quick`,
          autorun: false,
        });
        Object.defineProperty(consumer, '_worker', { value: worker });
        consumer.onApplicationBootstrap();
        await consumer.onApplicationShutdown();
        await worker.close();
      }
      await sleep(200);
      expect(errors).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
