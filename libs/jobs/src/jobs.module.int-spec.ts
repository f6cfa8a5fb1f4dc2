import { randomBytes } from 'node:crypto';
import { describeWithService } from '@app/testing';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { JobName, QueueName } from './job-catalogue';
import { UnrecoverableError, Worker } from 'bullmq';
import { JobProducer } from './job-producer';
import { JobsModule } from './jobs.module';

describeWithService('redis', 'JobsModule queues', () => {
  let module: TestingModule;

  beforeAll(async () => {
    module = await Test.createTestingModule({
      imports: [
        JobsModule.forRoot({
          redisUrl: 'redis://127.0.0.1:6379',
          prefix: `jobs-spec-${randomBytes(4).toString('hex')}`,
        }),
      ],
    }).compile();
  });
  afterAll(() => module?.close());

  it("logs a queue's connection errors, once a minute at most, instead of letting them end the process", () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const producer = module.get(JobProducer);
      for (const name of Object.values(QueueName)) {
        // An `error` event nobody listens to throws; a watched one is reported.
        expect(() => producer.queue(name).emit('error', new Error('Connection is closed.'))).not.toThrow();
      }
      // One line a minute at most, however often a reconnecting connection errs.
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({
          queue: QueueName.Extract,
          err: expect.objectContaining({ type: 'Error' }),
        }),
        'queue connection error (Redis unreachable?)',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('queues again a job kept as failed, which adding it again would leave failed', async () => {
    const producer = module.get(JobProducer);
    const build = producer.queue(QueueName.Build);
    const [failing, waiting] = ['batch-failed', 'batch-waiting'].map(
      (batchId) => ({ name: JobName.BuildBatch, data: { runId: 'run-1', batchId } }) as const,
    );
    // A worker fails the first job for good, then stops.
    const worker = new Worker(
      QueueName.Build,
      () => Promise.reject(new UnrecoverableError('failed for good')),
      {
        connection: build.opts.connection,
        prefix: build.opts.prefix,
      },
    );
    worker.on('error', () => undefined);
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    const failedId = await producer.enqueue(failing);
    await failed;
    await worker.close();
    expect(await build.getJobState(failedId)).toBe('failed');
    await producer.enqueue(failing);
    expect(await build.getJobState(failedId)).toBe('failed'); // adding it again changes nothing
    const waitingId = await producer.enqueue(waiting);

    expect(await producer.requeueMany([failing, waiting])).toBe(1);
    expect(await build.getJobState(failedId)).toBe('waiting');
    expect((await build.getJob(failedId))?.attemptsMade).toBe(0);
    expect(await build.getJobState(waitingId)).toBe('waiting');
    expect(await producer.requeueMany([failing, waiting])).toBe(0);
    await build.obliterate({ force: true });
  });
});
