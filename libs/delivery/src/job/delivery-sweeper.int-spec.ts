import {
  clientCredentialsTarget,
  DeliveryTestBed,
  RecordingQueue,
  testConfig,
} from './delivery-job.test-kit';
import { createDeliveryServices } from './delivery-services.factory';
import { DeliverySweeper } from './delivery-sweeper';

let bed: DeliveryTestBed;

beforeAll(async () => {
  bed = await DeliveryTestBed.start();
});
afterAll(() => bed?.close());

describe('DeliverySweeper', () => {
  it('queues due retries, pending deliveries past the grace period and stale claims, by attempt', async () => {
    const queue = new RecordingQueue();
    const services = createDeliveryServices({
      store: bed.store,
      config: testConfig([clientCredentialsTarget(bed.provider)]),
      queue,
    });
    await services.targets.syncFromConfig({ resolveCredentials: false });
    const [target] = await services.targets.activeTargets();
    const delivery = async (learner: string): Promise<string> =>
      (await bed.deliver(await bed.seedVersion(learner), [target.id]))[0].id;

    const fresh = await delivery('fresh');
    const retrySoon = await delivery('retry-soon');
    await bed.store.deliveries.claim(retrySoon);
    await bed.store.deliveries.markRetrying(retrySoon, {
      error: 'HTTP 503',
      nextAttemptAt: new Date(Date.now() + 5_000),
    });
    const retryLater = await delivery('retry-later');
    await bed.store.deliveries.claim(retryLater);
    await bed.store.deliveries.markRetrying(retryLater, {
      error: 'HTTP 503',
      nextAttemptAt: new Date(Date.now() + 3_600_000),
    });
    const crashed = await delivery('crashed');
    await bed.store.deliveries.claim(crashed);
    const settled = await delivery('settled');
    await bed.store.deliveries.claim(settled);
    await bed.store.deliveries.markDelivered(settled, { httpStatus: 201 });

    const at = (offsetMs: number): DeliverySweeper =>
      new DeliverySweeper(bed.store, queue, {
        staleAfterMs: 30_000,
        pendingGraceMs: 60_000,
        sweepBatchSize: 100,
        now: () => new Date(Date.now() + offsetMs),
      });

    // Now: nothing is due, late or stale.
    expect(await at(0).sweep()).toEqual({ due: 0, pending: 0, stale: 0 });
    expect(queue.take()).toEqual([]);

    // In 10 s: the soon retry is due (its delayed job may be lost), with the attempt it is at.
    expect(await at(10_000).sweep()).toEqual({ due: 1, pending: 0, stale: 0 });
    expect(queue.take()).toEqual([{ deliveryId: retrySoon, attempt: 1, requeued: true }]);

    // In 2 min: the pending one is past the grace period and the claim is stale as well.
    expect(await at(120_000).sweep()).toEqual({ due: 1, pending: 1, stale: 1 });
    expect(queue.take().sort((a, b) => a.deliveryId.localeCompare(b.deliveryId))).toEqual(
      [
        { deliveryId: fresh, attempt: 0, requeued: true },
        { deliveryId: retrySoon, attempt: 1, requeued: true },
        { deliveryId: crashed, attempt: 1, requeued: true },
      ].sort((a, b) => a.deliveryId.localeCompare(b.deliveryId)),
    );
    services.close();
  });

  it('joins a sweep in progress instead of running two', async () => {
    const queue = new RecordingQueue();
    const sweeper = new DeliverySweeper(bed.store, queue, {
      staleAfterMs: 1,
      pendingGraceMs: 1,
      sweepBatchSize: 10,
    });
    const [a, b] = [sweeper.sweep(), sweeper.sweep()];
    expect(a).toBe(b);
    await a;
  });
});
