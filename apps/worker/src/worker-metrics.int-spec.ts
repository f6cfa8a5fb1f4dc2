/**
 * What the worker counts, read where Prometheus reads it: the api's `/metrics`, which sums the
 * in-process worker's snapshots published through the real Redis. A demo SIS, a SQLite store,
 * the stand-in provider (one post refused with 400), api and worker in this process.
 */
import { Writable } from 'node:stream';
import { METRIC_NAMES } from '@app/observability';
import { describeWithService } from '@app/testing';
import { type PipelineStack, TARGET_NAME, startPipelineStack } from '../../../test/support/pipeline-harness';

const LEARNERS = 12;
const BATCH_SIZE = 5;
const BATCHES = Math.ceil(LEARNERS / BATCH_SIZE);

class LogLines extends Writable {
  readonly records: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line !== '') this.records.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

/** The value of one series in a Prometheus text exposition (undefined when absent). */
function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describeWithService('redis', 'worker metrics through the api /metrics (integration)', () => {
  let stack: PipelineStack;
  const logs = new LogLines();

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${stack.apiUrl}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Scrapes until `expected` series all have their values (snapshots arrive every 100 ms). */
  const scrapeUntil = async (expected: Record<string, number>): Promise<string> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const text = await scrape();
      const seen = Object.fromEntries(
        Object.keys(expected).map((series) => [series, sampleOf(text, series)]),
      );
      if (Object.entries(expected).every(([series, value]) => seen[series] === value)) return text;
      if (Date.now() > deadline) {
        expect(seen).toEqual(expected); // fails, showing what was there
        return text;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  beforeAll(async () => {
    stack = await startPipelineStack({
      name: 'worker-metrics',
      learners: LEARNERS,
      batchSize: BATCH_SIZE,
      logs,
      logLevel: 'info',
      metricsIntervalMs: 100,
    });
    await stack.startWorker();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('counts a full sync: run succeeded, learners built, CLRs signed, deliveries by outcome and target, stage durations', async () => {
    stack.provider.state.injectFault({ status: 400, count: 1, description: 'refused by the stand-in' });
    const summary = await stack.sync('full');
    expect(summary).toMatchObject({ status: 'succeeded', counts: { learnersBuilt: LEARNERS } });
    expect(await stack.settle()).toMatchObject({ delivered: LEARNERS - 1, rejected: 1 });

    const text = await scrapeUntil({
      [`${METRIC_NAMES.runs}{status="succeeded"}`]: 1,
      [`${METRIC_NAMES.learnersBuilt}{outcome="changed"}`]: LEARNERS,
      [METRIC_NAMES.clrsSigned]: LEARNERS,
      [`${METRIC_NAMES.deliveries}{outcome="delivered",target="${TARGET_NAME}"}`]: LEARNERS - 1,
      [`${METRIC_NAMES.deliveries}{outcome="failed",target="${TARGET_NAME}"}`]: 1,
      [`${METRIC_NAMES.stageDuration}_count{stage="extract"}`]: 1,
      [`${METRIC_NAMES.stageDuration}_count{stage="build"}`]: BATCHES,
      [`${METRIC_NAMES.stageDuration}_count{stage="deliver"}`]: LEARNERS,
    });
    expect(sampleOf(text, `${METRIC_NAMES.runs}{status="failed"}`)).toBeUndefined();
    expect(sampleOf(text, `${METRIC_NAMES.learnersBuilt}{outcome="unchanged"}`)).toBeUndefined();
    expect(sampleOf(text, `${METRIC_NAMES.stageDuration}_sum{stage="build"}`)).toBeGreaterThan(0);
  });

  it('logs the refused delivery as a warning with its ids and codes, not the provider text', async () => {
    const [rejected] = await stack.store.deliveries.list({ status: 'rejected', limit: 1 });
    const warning = logs.records.find(
      (record) => record.msg === 'delivery rejected by the target' && record.deliveryId === rejected.id,
    );
    expect(warning).toMatchObject({
      level: 'warn',
      target: TARGET_NAME,
      status: 400,
      attempts: 1,
      reason: 'invalid_data',
      detail: expect.stringMatching(/^HTTP 400 from provider/),
    });
    expect(JSON.stringify(warning)).not.toContain('refused by the stand-in');
    const finished = logs.records.filter((record) => record.msg === 'run finished');
    expect(finished).toEqual([expect.objectContaining({ status: 'succeeded', runId: expect.any(String) })]);
  });

  it('counts an unchanged second sync: no CLR signed, the learners unchanged, a second run succeeded', async () => {
    const summary = await stack.sync('full');
    expect(summary).toMatchObject({ status: 'succeeded', counts: { learnersUnchanged: LEARNERS } });
    await scrapeUntil({
      [`${METRIC_NAMES.runs}{status="succeeded"}`]: 2,
      [`${METRIC_NAMES.learnersBuilt}{outcome="changed"}`]: LEARNERS,
      [`${METRIC_NAMES.learnersBuilt}{outcome="unchanged"}`]: LEARNERS,
      [METRIC_NAMES.clrsSigned]: LEARNERS,
      [`${METRIC_NAMES.stageDuration}_count{stage="extract"}`]: 2,
      [`${METRIC_NAMES.stageDuration}_count{stage="build"}`]: 2 * BATCHES,
    });
  });
});
