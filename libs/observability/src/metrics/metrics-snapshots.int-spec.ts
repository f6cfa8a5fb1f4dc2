import { randomBytes } from 'node:crypto';
import { describeWithService } from '@app/testing';
import { Redis } from 'ioredis';
import { ClrMetrics } from './clr-metrics';
import { METRIC_NAMES } from './metric-names';
import { MetricsSnapshotPublisher, MetricsSnapshotReader, snapshotKey } from './metrics-snapshots';

describeWithService('redis', 'metrics snapshots through Redis', () => {
  let redis: Redis;
  const prefix = `t-snap-${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.del(snapshotKey(prefix));
    redis.disconnect();
  });

  it("serves workers' counts to the api's scrape, and forgets a worker gone quiet", async () => {
    const worker = new ClrMetrics();
    worker.recordClrsSigned(3);
    const publisher = new MetricsSnapshotPublisher(worker, { redis, prefix, instanceId: 'worker-1' });
    await publisher.publish();
    await redis.hset(snapshotKey(prefix), 'garbage', 'not json');

    const reader = new MetricsSnapshotReader({ redis, prefix, staleAfterMs: 60_000 });
    const api = new ClrMetrics();
    api.recordClrsSigned(1);
    const fresh = await reader.read();
    expect(fresh).toHaveLength(1);
    expect(await api.render(fresh)).toContain(`${METRIC_NAMES.clrsSigned} 4`);
    expect(await redis.hkeys(snapshotKey(prefix))).toEqual(['worker-1']);

    const later = Date.now() + 61_000;
    expect(await reader.read(later)).toEqual([]);
    expect(await redis.hkeys(snapshotKey(prefix))).toEqual([]);
  });

  it('publishes on start and a last time on stop', async () => {
    const worker = new ClrMetrics();
    const publisher = new MetricsSnapshotPublisher(worker, {
      redis,
      prefix,
      instanceId: 'worker-2',
      intervalMs: 60_000,
    });
    publisher.start();
    worker.recordRun('completed');
    await publisher.stop();
    const reader = new MetricsSnapshotReader({ redis, prefix });
    const [snapshot] = await reader.read();
    const runs = snapshot.find((metric) => metric.name === METRIC_NAMES.runs);
    expect(runs?.values).toEqual([{ value: 1, labels: { status: 'completed' } }]);
  });
});
