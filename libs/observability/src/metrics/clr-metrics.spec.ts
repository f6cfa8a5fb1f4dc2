import { ClrMetrics, type QueueDepthSource } from './clr-metrics';
import { METRIC_NAMES } from './metric-names';

/** A queue at the Redis edge: fixed counts, or a failure. */
function queue(name: string, counts: Record<string, number> | Error): QueueDepthSource {
  return {
    name,
    getJobCounts: () => (counts instanceof Error ? Promise.reject(counts) : Promise.resolve(counts)),
  };
}

function line(text: string, metric: string): string | undefined {
  return text.split('\n').find((entry) => entry.startsWith(metric));
}

describe('ClrMetrics', () => {
  it('counts runs, learners, signatures and deliveries under their names and labels', async () => {
    const metrics = new ClrMetrics();
    metrics.recordRun('completed');
    metrics.recordRun('completed');
    metrics.recordRun('failed');
    metrics.recordLearnerBuilt('changed', 40);
    metrics.recordLearnerBuilt('unchanged');
    metrics.recordClrsSigned(40);
    metrics.recordDelivery('delivered', 'state-wallet');
    metrics.recordDelivery('retry', 'state-wallet');
    const text = await metrics.render();
    expect(line(text, `${METRIC_NAMES.runs}{status="completed"}`)).toBe(
      `${METRIC_NAMES.runs}{status="completed"} 2`,
    );
    expect(line(text, `${METRIC_NAMES.runs}{status="failed"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.learnersBuilt}{outcome="changed"}`)).toMatch(/ 40$/);
    expect(line(text, `${METRIC_NAMES.learnersBuilt}{outcome="unchanged"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.clrsSigned} `)).toBe(`${METRIC_NAMES.clrsSigned} 40`);
    expect(line(text, `${METRIC_NAMES.deliveries}{outcome="delivered",target="state-wallet"}`)).toMatch(
      / 1$/,
    );
  });

  it('times stages into the duration histogram, also when the work throws', async () => {
    const metrics = new ClrMetrics();
    metrics.observeStage('extract', 12);
    await metrics.timeStage('build', () => Promise.resolve('done'));
    await expect(metrics.timeStage('deliver', () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    const text = await metrics.render();
    expect(line(text, `${METRIC_NAMES.stageDuration}_count{stage="extract"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_sum{stage="extract"}`)).toMatch(/ 12$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_bucket{le="10",stage="extract"}`)).toMatch(/ 0$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_bucket{le="30",stage="extract"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_count{stage="build"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_count{stage="deliver"}`)).toMatch(/ 1$/);
  });

  it('reads queue depths at each scrape and marks a queue it cannot read as down', async () => {
    const metrics = new ClrMetrics({ queueTimeoutMs: 200 });
    const counts = { waiting: 3, active: 1, delayed: 2, failed: 0, completed: 7, paused: 0 };
    metrics.watchQueues([
      queue('build', counts),
      queue('deliver', new Error('Connection is closed')),
      { name: 'extract', getJobCounts: () => new Promise(() => undefined) },
    ]);
    const text = await metrics.render();
    expect(line(text, `${METRIC_NAMES.queueJobs}{queue="build",state="waiting"}`)).toMatch(/ 3$/);
    expect(line(text, `${METRIC_NAMES.queueJobs}{queue="build",state="completed"}`)).toMatch(/ 7$/);
    expect(line(text, `${METRIC_NAMES.queueJobs}{queue="build",state="prioritized"}`)).toMatch(/ 0$/);
    expect(line(text, `${METRIC_NAMES.queueUp}{queue="build"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.queueUp}{queue="deliver"}`)).toMatch(/ 0$/);
    expect(line(text, `${METRIC_NAMES.queueUp}{queue="extract"}`)).toMatch(/ 0$/);
    expect(line(text, `${METRIC_NAMES.queueJobs}{queue="deliver"`)).toBeUndefined();

    counts.waiting = 0;
    const again = await metrics.render();
    expect(line(again, `${METRIC_NAMES.queueJobs}{queue="build",state="waiting"}`)).toMatch(/ 0$/);
  });

  it('sums the work metrics of other processes into its own', async () => {
    const api = new ClrMetrics();
    const workerA = new ClrMetrics();
    const workerB = new ClrMetrics();
    api.recordRun('queued');
    workerA.recordRun('completed');
    workerA.recordLearnerBuilt('changed', 5);
    workerA.observeStage('build', 0.3);
    workerB.recordLearnerBuilt('changed', 2);
    workerB.observeStage('build', 0.4);
    workerB.recordDelivery('dead', 'wallet');
    const text = await api.render([await workerA.workMetricsJson(), await workerB.workMetricsJson()]);
    expect(line(text, `${METRIC_NAMES.runs}{status="queued"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.runs}{status="completed"}`)).toMatch(/ 1$/);
    expect(line(text, `${METRIC_NAMES.learnersBuilt}{outcome="changed"}`)).toMatch(/ 7$/);
    expect(line(text, `${METRIC_NAMES.stageDuration}_count{stage="build"}`)).toMatch(/ 2$/);
    expect(line(text, `${METRIC_NAMES.deliveries}{outcome="dead",target="wallet"}`)).toMatch(/ 1$/);
    expect(text.match(new RegExp(`^# TYPE ${METRIC_NAMES.runs} `, 'gm'))).toHaveLength(1);
  });

  it("adds Node's process metrics when asked", async () => {
    expect(await new ClrMetrics({ defaultMetrics: true }).render()).toContain(
      'process_resident_memory_bytes',
    );
    expect(await new ClrMetrics().render()).not.toContain('process_resident_memory_bytes');
  });
});
