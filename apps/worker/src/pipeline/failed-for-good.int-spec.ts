import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobFailureReason } from '@app/publishing';
import { describeWithService } from '@app/testing';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { FailedJobSettler } from './failed-for-good';

const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };

describeWithService('redis', 'jobs that failed for good, on real BullMQ', () => {
  const prefix = `t-failed-${randomBytes(4).toString('hex')}`;
  const closing: { close(): Promise<void> }[] = [];
  let queue: Queue;

  beforeAll(() => {
    queue = new Queue('work', { connection, prefix });
    closing.push(queue);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    for (const item of closing.reverse()) await item.close();
  });

  /** A worker whose settled jobs are recorded (after a 20 ms grace). */
  function watched(
    processor: (job: Job) => Promise<unknown>,
    options: { maxStalledCount?: number; stalledInterval?: number; lockDuration?: number } = {},
    name = 'work',
    settle: (job: Job, error: Error) => Promise<void> = () => Promise.resolve(),
  ): {
    worker: Worker;
    settler: FailedJobSettler;
    settled: { jobId: string | undefined; message: string }[];
    errors: { final: boolean }[];
  } {
    const settled: { jobId: string | undefined; message: string }[] = [];
    const errors: { final: boolean }[] = [];
    const worker = new Worker(name, processor, { connection, prefix, ...options });
    worker.on('error', () => undefined); // a connection closed under it while it closes
    closing.push(worker);
    const settler = new FailedJobSettler(
      async (job, error) => {
        await settle(job, error);
        settled.push({ jobId: job.id, message: error.message });
      },
      (_error, _job, final) => errors.push({ final }),
      { graceMs: 20, tries: 3, lookBackMs: 60_000 },
    );
    closing.push({ close: () => Promise.resolve(settler.close()) });
    settler.watch(worker);
    return { worker, settler, settled, errors };
  }

  async function until(check: () => boolean, ms = 10_000): Promise<void> {
    for (const start = Date.now(); !check(); await sleep(20)) {
      if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    }
  }

  it('settles a job once, after its last attempt, not after the attempts that are retried', async () => {
    let attempts = 0;
    const { worker, settled } = watched(() => {
      attempts += 1;
      return Promise.reject(new Error(`attempt ${attempts} failed`));
    });
    await queue.add('retried', {}, { jobId: 'retried', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    await until(() => settled.length > 0);
    await sleep(200);
    expect(attempts).toBe(3);
    expect(settled).toEqual([{ jobId: 'retried', message: 'attempt 3 failed' }]);
    await worker.close();
  });

  it('settles a job that fails without a retry', async () => {
    const { worker, settled } = watched(() => Promise.reject(new UnrecoverableError('not for retrying')));
    await queue.add('unrecoverable', {}, { jobId: 'unrecoverable', attempts: 5 });
    await until(() => settled.length > 0);
    expect(settled).toEqual([{ jobId: 'unrecoverable', message: 'not for retrying' }]);
    await worker.close();
  });

  it('settles a job that stalled more often than allowed, which no handler saw fail', async () => {
    // A worker that takes the job and dies holding it (closed without finishing, no lock renewal).
    let taken!: () => void;
    const tookIt = new Promise<void>((resolve) => (taken = resolve));
    // A queue of its own: the workers of a queue share one stalled-check timer, set by whichever
    // checks first (the other tests' workers would hold it for their 30 s).
    const stalling = new Queue('stalling', { connection, prefix });
    closing.push(stalling);
    const dying = new Worker(
      'stalling',
      () => {
        taken();
        return new Promise(() => undefined);
      },
      { connection, prefix, lockDuration: 500, stalledInterval: 300 },
    );
    dying.on('error', () => undefined); // it is closed by force, with its connections
    await stalling.add('held', {}, { jobId: 'held', attempts: 3 });
    await tookIt;
    await dying.close(true);
    const { worker, settled } = watched(
      () => Promise.resolve('never reached'),
      { maxStalledCount: 0, stalledInterval: 300 },
      'stalling',
    );
    await until(() => settled.length > 0);
    expect(settled).toEqual([
      { jobId: 'held', message: expect.stringMatching(/stalled more than allowable limit/) },
    ]);
    expect(jobFailureReason(new Error(settled[0].message))).toBe(
      'the job stalled more often than allowed (its worker died or hung each time it ran it)',
    );
    expect(await stalling.getJobState('held')).toBe('failed');
    await worker.close();
    await stalling.obliterate({ force: true });
  }, 20_000);

  it('tries a settle that fails again, a grace period apart, and says which try was the last', async () => {
    let calls = 0;
    const { worker, settled, errors } = watched(
      () => Promise.reject(new UnrecoverableError('gone')),
      {},
      'work',
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error('store down')) : Promise.resolve();
      },
    );
    await queue.add('store-down', {}, { jobId: 'store-down' });
    await until(() => settled.length > 0);
    expect(errors).toEqual([{ final: false }, { final: false }]);
    expect(settled).toEqual([{ jobId: 'store-down', message: 'gone' }]);
    await worker.close();
  });

  it('leaves a job queued again within the grace period, and drops what is waiting when closed', async () => {
    const { worker, settler, settled } = watched(() => Promise.reject(new UnrecoverableError('gone')));
    const failedOnce = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await queue.add('requeued', {}, { jobId: 'requeued' });
    await failedOnce;
    await worker.pause();
    // An operator queues it again at once (runs --resume): it is not failed any more.
    await (await queue.getJob('requeued'))!.retry('failed');
    await sleep(100);
    expect(settled).toEqual([]);
    worker.resume();
    await until(() => settled.length > 0);
    settler.close();
    await queue.add('closed', {}, { jobId: 'closed' });
    await sleep(100);
    expect(settled.map((entry) => entry.jobId)).toEqual(['requeued']);
    await worker.close();
  });

  it('at start, settles the jobs an earlier process left failed, once each, and none too old', async () => {
    // The earlier process failed two jobs and stopped before their grace periods were over.
    const left = new Queue('left', { connection, prefix });
    closing.push(left);
    const earlier = new Worker('left', () => Promise.reject(new UnrecoverableError('left behind')), {
      connection,
      prefix,
    });
    earlier.on('error', () => undefined);
    await left.add('a', {}, { jobId: 'a' });
    await left.add('b', {}, { jobId: 'b' });
    for (let i = 0; i < 500 && (await left.getFailedCount()) < 2; i += 1) await sleep(20);
    await earlier.close();

    const { worker, settler, settled } = watched(() => Promise.resolve(), {}, 'left');
    await worker.pause();
    expect(await settler.sweep(left, Date.now() + 120_000)).toBe(0); // failed over the look-back ago
    expect(await settler.sweep(left)).toBe(2);
    expect(await settler.sweep(left)).toBe(2); // taken up again, but settled once
    await until(() => settled.length >= 2);
    await sleep(100);
    expect(settled.map((entry) => entry.jobId).sort()).toEqual(['a', 'b']);
    expect(settled[0].message).toBe('left behind');
    await worker.close();
    await left.obliterate({ force: true });
  });
});
