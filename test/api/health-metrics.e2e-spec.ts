import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import request from 'supertest';
import { type App } from 'supertest/types';
import { Redis } from 'ioredis';
import { ClrMetrics, METRIC_NAMES, MetricsSnapshotPublisher } from '@app/observability';
import { JobProducer, JobName } from '@app/jobs';
import { describeWithService } from '@app/testing';
import { type ApiHarness, startApiHarness } from './api-harness';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeWithService('redis', 'health and metrics (e2e)', () => {
  describe('with every dependency up', () => {
    let api: ApiHarness;
    let server: App;

    beforeAll(async () => {
      api = await startApiHarness();
      server = api.app.getHttpServer();
    });
    afterAll(() => api?.close());

    it('/health answers 200 with each check up and a latency, naming no connection', async () => {
      const res = await request(server).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'up',
        checks: {
          store: { status: 'up', latencyMs: expect.any(Number) },
          redis: { status: 'up', latencyMs: expect.any(Number) },
          sis: { demo: { status: 'up', latencyMs: expect.any(Number) } },
        },
      });
      expect(res.text).not.toMatch(/redis:\/\/|sqlite|127\.0\.0\.1|clr-api-/);
      expect((await request(server).get('/health/live')).body).toEqual({ status: 'up' });
    });

    it('/metrics serves the publisher metrics, queue depths, and what workers published', async () => {
      api.app.get(ClrMetrics).recordRun('queued');
      const producer = api.app.get(JobProducer);
      await producer.enqueue(
        { name: JobName.DeliverClr, data: { deliveryId: 'd-metrics-1' } },
        { delayMs: 600_000 },
      );

      // A worker process elsewhere: its counts reach the api through Redis.
      const worker = new ClrMetrics();
      worker.recordRun('completed');
      worker.recordLearnerBuilt('changed', 12);
      worker.recordClrsSigned(12);
      worker.recordDelivery('delivered', 'wallet');
      worker.observeStage('build', 1.5);
      const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
      try {
        await new MetricsSnapshotPublisher(worker, {
          redis,
          prefix: api.prefix,
          instanceId: 'worker-a',
        }).publish();
      } finally {
        redis.disconnect();
      }

      const res = await request(server).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; .*version=0\.0\.4/);
      const text = res.text;
      expect(sampleOf(text, `${METRIC_NAMES.runs}{status="queued"}`)).toBe(1);
      expect(sampleOf(text, `${METRIC_NAMES.runs}{status="completed"}`)).toBe(1);
      expect(sampleOf(text, `${METRIC_NAMES.learnersBuilt}{outcome="changed"}`)).toBe(12);
      expect(sampleOf(text, METRIC_NAMES.clrsSigned)).toBe(12);
      expect(sampleOf(text, `${METRIC_NAMES.deliveries}{outcome="delivered",target="wallet"}`)).toBe(1);
      expect(sampleOf(text, `${METRIC_NAMES.stageDuration}_count{stage="build"}`)).toBe(1);
      expect(sampleOf(text, `${METRIC_NAMES.queueJobs}{queue="deliver",state="delayed"}`)).toBe(1);
      expect(sampleOf(text, `${METRIC_NAMES.queueJobs}{queue="extract",state="waiting"}`)).toBe(0);
      for (const queue of ['extract', 'build', 'deliver']) {
        expect(sampleOf(text, `${METRIC_NAMES.queueUp}{queue="${queue}"}`)).toBe(1);
      }
      expect(text).toContain('process_resident_memory_bytes');
    });
  });

  describe('with Redis and the SIS down', () => {
    let api: ApiHarness;
    let server: App;

    beforeAll(async () => {
      api = await startApiHarness({
        redisUrl: `redis://127.0.0.1:${await closedPort()}`,
        sis: 'missing',
        healthTimeoutMs: 500,
      });
      server = api.app.getHttpServer();
    });
    afterAll(() => api?.close());

    it('/health answers 503 naming what is down, and the store still up', async () => {
      const res = await request(server).get('/health');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('down');
      expect(res.body.checks.store.status).toBe('up');
      expect(res.body.checks.redis).toMatchObject({
        status: 'down',
        error: expect.stringMatching(/^(timeout|unavailable)$/),
      });
      expect(res.body.checks.sis.demo).toMatchObject({ status: 'down', error: 'unavailable' });
      expect(res.text).not.toMatch(/redis:\/\/|sqlite|ECONNREFUSED|not found/);
    });

    it('/metrics still answers, with every queue marked down', async () => {
      const res = await request(server).get('/metrics');
      expect(res.status).toBe(200);
      for (const queue of ['extract', 'build', 'deliver']) {
        expect(sampleOf(res.text, `${METRIC_NAMES.queueUp}{queue="${queue}"}`)).toBe(0);
      }
    });
  });

  describe('with a metrics token configured', () => {
    let api: ApiHarness;
    const token = 'scrape-token-0a1b2c3d4e5f';

    beforeAll(async () => {
      api = await startApiHarness({ admin: `  metrics: { tokenSha256: ${sha256(token)} }` });
    });
    afterAll(() => api?.close());

    it('/metrics needs it', async () => {
      const server = api.app.getHttpServer() as App;
      const none = await request(server).get('/metrics');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="clr-publisher-metrics"');
      expect((await request(server).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
      const ok = await request(server).get('/metrics').set('Authorization', `Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain(METRIC_NAMES.runs);
    });
  });
});
