import { randomBytes } from 'node:crypto';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClrConfigModule } from '@app/config';
import { DeliverySweeper, DeliveryTargetService, type DeliverClrOutcome } from '@app/delivery';
import { JobName, JobProducer, JobsModule, QueueName, jobIdOf } from '@app/jobs';
import {
  type DeliveryEntity,
  type DeliveryStatus,
  type DeliveryTargetEntity,
  PublisherStore,
} from '@app/store';
import { describeWithService } from '@app/testing';
import { type Queue } from 'bullmq';
import {
  clientCredentialsTarget,
  clrIdOf,
  DeliveryTestBed,
  testConfig,
} from '../../../libs/delivery/src/job/delivery-job.test-kit';
import { DeliverWorkerLifecycle } from './deliver-worker.lifecycle';
import { DeliveryWorkerModule, type DeliveryWorkerModuleOptions } from './deliver-worker.module';

const REDIS_URL = 'redis://127.0.0.1:6379';

interface RunningWorker {
  app: INestApplicationContext;
  producer: JobProducer;
  queue: Queue;
}

describeWithService('redis', 'deliver worker (BullMQ on Redis, SQLite store, stand-in provider)', () => {
  let bed: DeliveryTestBed;
  let prefix: string;
  let running: RunningWorker[] = [];
  let target: DeliveryTargetEntity;
  let learners = 0;

  beforeAll(async () => {
    bed = await DeliveryTestBed.start();
  });
  afterAll(() => bed?.close());

  beforeEach(() => {
    bed.provider.state.reset();
    prefix = `clr-test-deliver-${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    for (const worker of running) {
      await worker.queue.obliterate({ force: true }).catch(() => undefined);
      await worker.app.close();
    }
    running = [];
  });

  /** A worker process in this one: its own Nest context on this test's queue prefix, the shared store. */
  async function startWorker(
    options: DeliveryWorkerModuleOptions = {},
    targetConfig: Record<string, unknown> = {},
  ): Promise<RunningWorker> {
    const config = testConfig([{ ...clientCredentialsTarget(bed.provider), ...targetConfig }]);
    // The store outlives the worker contexts: Nest must not close it with them.
    const store = Object.assign(Object.create(bed.store) as PublisherStore, {
      onApplicationShutdown: undefined,
    });

    @Global()
    @Module({ providers: [{ provide: PublisherStore, useValue: store }], exports: [PublisherStore] })
    class SharedStoreModule {}

    @Module({
      imports: [
        ClrConfigModule.forRoot({ config }),
        SharedStoreModule,
        JobsModule.forRoot({ redisUrl: REDIS_URL, prefix }),
        DeliveryWorkerModule.forRoot({
          sweep: false,
          ...options,
          settings: { throttleDelayMs: 100, ...options.settings },
        }),
      ],
    })
    class TestWorkerModule {}

    const app = await NestFactory.createApplicationContext(TestWorkerModule, { logger: false });
    const producer = app.get(JobProducer);
    const worker = { app, producer, queue: producer.queue(QueueName.Deliver) };
    running.push(worker);
    target = (await bed.store.targets.getByName('wallet'))!;
    return worker;
  }

  async function newDelivery(learner = `learner-${++learners}`): Promise<DeliveryEntity> {
    const [delivery] = await bed.deliver(await bed.seedVersion(learner), [target.id]);
    return delivery;
  }

  function enqueue(worker: RunningWorker, delivery: DeliveryEntity, attempt = 0): Promise<string> {
    return worker.producer.enqueue(
      { name: JobName.DeliverClr, data: { deliveryId: delivery.id } },
      { attempt },
    );
  }

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 20_000,
  ): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function waitForStatus(ids: string[], status: DeliveryStatus, timeoutMs?: number): Promise<void> {
    await waitFor(
      `${ids.length} deliveries ${status}`,
      async () => {
        const rows = await Promise.all(ids.map((id) => bed.store.deliveries.get(id)));
        return rows.every((row) => row?.status === status) ? true : undefined;
      },
      timeoutMs,
    );
  }

  async function jobResult(queue: Queue, jobId: string): Promise<DeliverClrOutcome> {
    return waitFor(`job ${jobId} to complete`, async () => {
      const job = await queue.getJob(jobId);
      if (job === undefined || !(await job.isCompleted())) return undefined;
      // Read again: the job fetched may predate its completion.
      return ((await queue.getJob(jobId))?.returnvalue ?? undefined) as DeliverClrOutcome | undefined;
    });
  }

  it('delivers every version exactly once through a spell of 500s and 429s with Retry-After', async () => {
    const worker = await startWorker({
      settings: { retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 400 } },
    });
    expect(worker.app.get(DeliverWorkerLifecycle).concurrency()).toBe(4);
    bed.provider.state.injectFault({ status: 500, count: 6 });
    bed.provider.state.injectFault({ status: 429, retryAfter: '1', count: 3 });
    const deliveries = await Promise.all(Array.from({ length: 10 }, () => newDelivery()));
    await Promise.all(deliveries.map((delivery) => enqueue(worker, delivery)));

    await waitForStatus(
      deliveries.map((delivery) => delivery.id),
      'delivered',
    );
    const outcomes = bed.provider.state.receivedPosts().map((post) => post.outcome);
    expect(outcomes.filter((outcome) => outcome === 'fault')).toHaveLength(9);
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(10);
    const counts = bed.provider.state.countsByClrId();
    for (const delivery of deliveries) {
      expect(counts[clrIdOf(delivery.learnerRef.replace(/^ref-/, ''))]).toEqual({ received: 1, accepted: 1 });
    }
    const rows = await Promise.all(deliveries.map((delivery) => bed.store.deliveries.get(delivery.id)));
    expect(rows.some((row) => row!.attempts > 1)).toBe(true);
    expect(rows.every((row) => row!.lastHttpStatus === 201 && row!.lastError === null)).toBe(true);
  });

  it("keeps a target's concurrency across worker processes (the limits are shared in Redis)", async () => {
    // Each process would run 2 posts at once on its own (its concurrency is the target's): 4 together.
    const workers = [await startWorker({}, { concurrency: 2 }), await startWorker({}, { concurrency: 2 })];
    bed.provider.state.injectFault({ delayMs: 300, count: 8 });
    const deliveries = await Promise.all(Array.from({ length: 8 }, () => newDelivery()));
    await Promise.all(deliveries.map((delivery, i) => enqueue(workers[i % 2], delivery)));

    await waitForStatus(
      deliveries.map((delivery) => delivery.id),
      'delivered',
    );
    const arrivals = bed.provider.state
      .receivedPosts()
      .map((post) => Date.parse(post.receivedAt))
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(8);
    // With 2 slots for both processes, a post starts only when one 300 ms answer before it ended.
    for (let i = 2; i < arrivals.length; i += 1) {
      expect(arrivals[i] - arrivals[i - 2]).toBeGreaterThanOrEqual(280);
    }
  });

  it('marks a delivery dead after maxAttempts through the real queue', async () => {
    const worker = await startWorker({
      settings: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 } },
    });
    bed.provider.state.injectFault({ status: 503, count: 3 });
    const delivery = await newDelivery();
    await enqueue(worker, delivery);
    await waitForStatus([delivery.id], 'dead');
    expect(await bed.store.deliveries.get(delivery.id)).toMatchObject({
      attempts: 3,
      lastHttpStatus: 503,
      lastError: expect.stringContaining('gave up after 3 attempt(s)'),
    });
    // Attempts 1 and 2 were queued as their own jobs.
    for (const attempt of [0, 1, 2]) {
      const id = jobIdOf({ name: JobName.DeliverClr, data: { deliveryId: delivery.id } }, attempt);
      expect((await jobResult(worker.queue, id)).kind).toBe(attempt < 2 ? 'retrying' : 'dead');
    }
  });

  it('adds one job for one (delivery, attempt), and the state guard stops a job re-added after removal', async () => {
    const worker = await startWorker();
    const delivery = await newDelivery();
    const learner = delivery.learnerRef.replace(/^ref-/, '');
    await worker.queue.pause();
    const first = await enqueue(worker, delivery);
    expect(await enqueue(worker, delivery)).toBe(first);
    expect(await worker.queue.count()).toBe(1);
    await worker.queue.resume();
    expect(await jobResult(worker.queue, first)).toMatchObject({ kind: 'delivered', status: 201 });

    // The completed job is gone (removeOnComplete by age): the same id goes in again and runs.
    await (await worker.queue.getJob(first))!.remove();
    await enqueue(worker, delivery);
    expect(await jobResult(worker.queue, first)).toEqual({
      kind: 'skipped',
      deliveryId: delivery.id,
      reason: 'not_claimable',
      status: 'delivered',
    });
    expect(bed.provider.state.countsByClrId()[clrIdOf(learner)]).toEqual({ received: 1, accepted: 1 });
  });

  it('reclaims a delivery left in flight by a killed worker, and re-queues a lost job, delivering each once', async () => {
    // What a killed worker leaves: a claimed row whose job is gone; and a row whose job Redis lost.
    const first = await startWorker();
    const crashed = await newDelivery();
    const lost = await newDelivery();
    await bed.store.deliveries.claim(crashed.id);
    // A job for the next attempt already ran while the claim looked fresh, and was kept as completed.
    const next = await enqueue(first, crashed, 1);
    expect(await jobResult(first.queue, next)).toMatchObject({ kind: 'skipped', status: 'in_flight' });
    await first.app.close();
    running = [];

    const worker = await startWorker({
      sweep: true,
      sweepIntervalMs: 100,
      settings: { staleAfterMs: 1000, pendingGraceMs: 0 },
    });
    await waitForStatus([crashed.id, lost.id], 'delivered');
    expect(await bed.store.deliveries.get(crashed.id)).toMatchObject({ attempts: 2, lastHttpStatus: 201 });
    expect(await bed.store.deliveries.get(lost.id)).toMatchObject({ attempts: 1 });
    for (const delivery of [crashed, lost]) {
      const learner = delivery.learnerRef.replace(/^ref-/, '');
      expect(bed.provider.state.countsByClrId()[clrIdOf(learner)]).toEqual({ received: 1, accepted: 1 });
    }
    // Sweeps go on but add nothing new for settled deliveries.
    await worker.app.get(DeliverySweeper).sweep();
    expect(bed.provider.state.receivedPosts()).toHaveLength(2);
  });

  it('hands a job back to the queue while an older version is in flight, then delivers only the newest', async () => {
    const worker = await startWorker();
    const learner = `learner-${++learners}`;
    const [v1] = await bed.deliver(await bed.seedVersion(learner, 'Version one'), [target.id]);
    await bed.store.deliveries.claim(v1.id); // another worker is posting v1
    const v2 = await bed.seedVersion(learner, 'Version two');
    const [d2] = (await bed.store.deliveries.createDeliveries(v2.id, [target.id])).deliveries;
    const jobId = await enqueue(worker, d2);
    await waitFor('the job to be delayed', async () =>
      ((await worker.queue.getJob(jobId))?.delay ?? 0) > 0 ? true : undefined,
    );
    expect(await bed.store.deliveries.get(d2.id)).toMatchObject({ status: 'pending', attempts: 0 });
    // v1's worker finishes.
    await bed.store.deliveries.markDelivered(v1.id, { httpStatus: 201 });
    expect(await jobResult(worker.queue, jobId)).toMatchObject({ kind: 'delivered' });
    // Only the run that finished counts as an attempt; handing back spent none.
    expect((await worker.queue.getJob(jobId))!.attemptsMade).toBe(1);
    expect(bed.provider.state.storedClrs().map((clr) => clr.clr.name)).toEqual(['Version two']);
  });

  it('exposes the target service for the build (active targets after the config sync)', async () => {
    const worker = await startWorker();
    const active = await worker.app.get(DeliveryTargetService).activeTargets();
    expect(active.map((t) => t.name)).toContain('wallet');
  });
});
