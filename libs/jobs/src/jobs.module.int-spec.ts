import { randomBytes } from 'node:crypto';
import { describeWithService } from '@app/testing';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { QueueName } from './job-catalogue';
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
});
