import { type Clr } from '@app/clr';
import { ClrIdFactory, MappingError } from '@app/mapping';
import { ClrMetrics, METRIC_NAMES } from '@app/observability';
import { SisError } from '@app/sis';
import { Logger, type LoggerService } from '@nestjs/common';
import { type LearnerComposition } from '../compose/compose-outcome';
import { type BatchComposer } from './batch-composer';
import { BuildBatchJob, type BuildBatchJobDeps } from './build-batch.job';
import { type LearnerPublication, type LearnerPublisher } from './learner-publisher';
import { learnerRefOf } from './learner-ref';

const ids = new ClrIdFactory('https://registrar.example.edu', 'spec-secret-'.padEnd(40, 'x'));
const LEARNERS = ['S0000001', 'S0000002', 'S0000003', 'S0000004'];

/** Nest's logger, captured: what a line would carry. */
class CapturedLogs implements LoggerService {
  readonly lines: { level: string; fields: Record<string, unknown>; msg: unknown }[] = [];
  log = (fields: Record<string, unknown>, msg: unknown): void =>
    void this.lines.push({ level: 'log', fields, msg });
  warn = (fields: Record<string, unknown>, msg: unknown): void =>
    void this.lines.push({ level: 'warn', fields, msg });
  error = (fields: Record<string, unknown>, msg: unknown): void =>
    void this.lines.push({ level: 'error', fields, msg });

  get text(): string {
    return JSON.stringify(this.lines);
  }
}

/** A series' value in the work metrics (a histogram's series by `name_count`, `name_sum`...); 0 when absent. */
async function valueOf(
  metrics: ClrMetrics,
  series: string,
  labels: Record<string, string> = {},
): Promise<number> {
  for (const metric of await metrics.workMetricsJson()) {
    const value = metric.values.find(
      (entry) =>
        ((entry as { metricName?: string }).metricName ?? metric.name) === series &&
        Object.entries(labels).every(([key, label]) => entry.labels[key] === label),
    );
    if (value !== undefined) return value.value;
  }
  return 0;
}

const clr = { id: 'urn:spec:clr' } as Clr;

/** S1 changed, S2 unchanged, S3 invalid, S4 no longer a usable learner row (never published). */
function compositions(): LearnerComposition[] {
  const ok = (learnerId: string): LearnerComposition => ({
    status: 'ok',
    learnerId,
    clr,
    problems: [],
    caseWarnings: [],
    findings: [],
    reasons: [],
  });
  return [
    ok(LEARNERS[0]),
    ok(LEARNERS[1]),
    {
      status: 'invalid',
      learnerId: LEARNERS[2],
      clr,
      problems: [
        {
          recordSet: 'clr_learners',
          key: LEARNERS[2],
          reason: 'birth_date is not a date: dropped',
          effect: 'degraded',
        },
      ],
      caseWarnings: [],
      findings: [{ stage: 'structure', path: '/learner/name', reason: 'must be a string' }],
      reasons: [],
    },
    { status: 'unknown-learner', learnerId: LEARNERS[3], problems: [] },
  ];
}

function setUp(options: { compose?: () => Promise<unknown>; settled?: boolean } = {}) {
  const settleBatch = jest.fn().mockResolvedValue(options.settled ?? true);
  const complete = jest.fn().mockResolvedValue(false);
  const store = {
    plans: {
      getBatch: jest.fn().mockResolvedValue({
        id: 'batch-1',
        runId: 'run-1',
        seq: 1,
        learnerIds: JSON.stringify(LEARNERS),
        learnerCount: LEARNERS.length,
        status: 'pending',
      }),
      get: jest.fn().mockResolvedValue(null),
      learnerIdsOf: (batch: { learnerIds: string }) => JSON.parse(batch.learnerIds) as string[],
      settleBatch,
    },
    runs: {
      get: jest.fn().mockResolvedValue({
        id: 'run-1',
        status: 'running',
        source: 'demo',
        createdAt: new Date('2025-07-15T12:00:00Z'),
      }),
    },
    versions: { latestSummaries: jest.fn().mockResolvedValue(new Map()) },
    targets: { list: jest.fn().mockResolvedValue([]) },
    ledger: { withheldFor: jest.fn().mockResolvedValue(new Map()) },
    revocations: { revokedAmong: jest.fn().mockResolvedValue(new Set()) },
  };
  const composer = {
    compose:
      options.compose ??
      (() =>
        Promise.resolve({
          learners: compositions().map((composition) => ({
            learnerId: composition.learnerId,
            compose: () => Promise.resolve(composition),
          })),
          records: new Map(LEARNERS.slice(0, 2).map((id) => [id, {}])),
        })),
  };
  const publications: Record<string, LearnerPublication> = {
    [learnerRefOf(ids, LEARNERS[0])]: {
      kind: 'built',
      version: 1,
      assertionsSigned: 3,
      revoked: 0,
      deliveryIds: [],
      deliveries: 0,
      replayed: false,
    },
    [learnerRefOf(ids, LEARNERS[1])]: { kind: 'unchanged' },
  };
  const publisher = {
    publish: (learnerRef: string) => Promise.resolve(publications[learnerRef]),
    remove: () => Promise.resolve({ kind: 'not-found' }),
  };
  const metrics = new ClrMetrics();
  const job = new BuildBatchJob({
    store: store as unknown as BuildBatchJobDeps['store'],
    composer: composer as unknown as BatchComposer,
    publisher: publisher as unknown as LearnerPublisher,
    producer: { enqueueMany: jest.fn() } as unknown as BuildBatchJobDeps['producer'],
    finaliser: { complete } as unknown as BuildBatchJobDeps['finaliser'],
    ids,
    defaultSource: 'demo',
    metrics,
  });
  return { job, metrics, settleBatch, complete };
}

describe('BuildBatchJob metrics and logs', () => {
  let logs: CapturedLogs;

  beforeEach(() => {
    logs = new CapturedLogs();
    Logger.overrideLogger(logs);
  });
  afterAll(() => Logger.overrideLogger(false));

  it('counts a settled batch by learner outcome, the CLRs signed and its duration', async () => {
    const { job, metrics } = setUp();
    expect(await job.handle({ runId: 'run-1', batchId: 'batch-1' })).toEqual({
      status: 'built',
      built: 1,
      unchanged: 1,
      invalid: 1,
      failed: 2,
      removed: 0,
      deliveriesQueued: 0,
    });
    const built = (outcome: string) => valueOf(metrics, METRIC_NAMES.learnersBuilt, { outcome });
    expect(await built('changed')).toBe(1);
    expect(await built('unchanged')).toBe(1);
    expect(await built('invalid')).toBe(1);
    expect(await built('failed')).toBe(1);
    expect(await valueOf(metrics, METRIC_NAMES.clrsSigned)).toBe(1);
    expect(await valueOf(metrics, `${METRIC_NAMES.stageDuration}_count`, { stage: 'build' })).toBe(1);
  });

  it('logs the invalid learner by its ref and the batch with counts, never the student id or the problem texts', async () => {
    const { job } = setUp();
    await job.handle({ runId: 'run-1', batchId: 'batch-1' });
    const invalid = logs.lines.find((line) => line.msg === 'learner CLR invalid: not signed');
    expect(invalid).toEqual({
      level: 'warn',
      msg: 'learner CLR invalid: not signed',
      fields: {
        runId: 'run-1',
        batchId: 'batch-1',
        learnerRef: learnerRefOf(ids, LEARNERS[2]),
        reasons: 0,
        findings: 1,
        stages: ['structure'],
      },
    });
    const batch = logs.lines.find((line) => line.msg === 'build batch built with problems');
    expect(batch?.level).toBe('warn');
    expect(batch?.fields).toMatchObject({
      runId: 'run-1',
      batchId: 'batch-1',
      built: 1,
      invalid: 1,
      failed: 2,
      problems: 3,
      problemsByRecordSet: { clr_learners: 2, clr: 1 },
    });
    for (const id of LEARNERS) expect(logs.text).not.toContain(id);
    expect(logs.text).not.toMatch(/birth_date|must be a string/);
  });

  it('counts every learner of a failed batch as failed and warns with the run, batch and error class and message', async () => {
    const { job, metrics, settleBatch } = setUp({
      compose: () => Promise.reject(new MappingError('credentialSubject', 'has no identity')),
    });
    const outcome = await job.handle({ runId: 'run-1', batchId: 'batch-1' });
    expect(outcome).toEqual({
      status: 'failed',
      reason: 'build failed: MappingError: credentialSubject has no identity',
    });
    expect(settleBatch).toHaveBeenCalledWith('batch-1', expect.objectContaining({ status: 'failed' }));
    expect(await valueOf(metrics, METRIC_NAMES.learnersBuilt, { outcome: 'failed' })).toBe(4);
    expect(await valueOf(metrics, METRIC_NAMES.clrsSigned)).toBe(0);
    expect(await valueOf(metrics, `${METRIC_NAMES.stageDuration}_count`, { stage: 'build' })).toBe(1);
    expect(logs.lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        msg: 'build batch failed',
        fields: {
          runId: 'run-1',
          batchId: 'batch-1',
          learners: 4,
          detail: 'build failed: MappingError: credentialSubject has no identity',
        },
      },
    ]);
  });

  it("withholds an unknown error's message (it may quote a row) from the reason and the log", async () => {
    const { job } = setUp({
      compose: () => Promise.reject(new TypeError("cannot read 'Zoë Müller' of undefined")),
    });
    const outcome = await job.handle({ runId: 'run-1', batchId: 'batch-1' }, { final: true });
    expect(outcome).toEqual({
      status: 'failed',
      reason: 'build failed: TypeError: message withheld (it may quote data)',
    });
    expect(logs.text).not.toContain('Zoë');
  });

  it('rethrows a retryable error before the last attempt: timed and warned, no learner counted', async () => {
    const { job, metrics, settleBatch } = setUp({
      compose: () => Promise.reject(new SisError('SIS_UNAVAILABLE', 'the SIS is unreachable')),
    });
    await expect(job.handle({ runId: 'run-1', batchId: 'batch-1' })).rejects.toThrow(
      'the SIS is unreachable',
    );
    expect(settleBatch).not.toHaveBeenCalled();
    expect(await valueOf(metrics, METRIC_NAMES.learnersBuilt, { outcome: 'failed' })).toBe(0);
    expect(await valueOf(metrics, `${METRIC_NAMES.stageDuration}_count`, { stage: 'build' })).toBe(1);
    expect(logs.lines.map((line) => line.msg)).toEqual(['build batch attempt failed; it will be retried']);
  });

  it('counts a learner whose CLR cannot be composed as failed, with a problem, and builds the rest', async () => {
    const pending = compositions().map((composition, index) => ({
      learnerId: composition.learnerId,
      compose: () =>
        index === 1
          ? Promise.reject(new TypeError("cannot read 'Zoë Müller' of undefined"))
          : Promise.resolve(composition),
    }));
    const { job, settleBatch } = setUp({
      compose: () =>
        Promise.resolve({ learners: pending, records: new Map(LEARNERS.slice(0, 2).map((id) => [id, {}])) }),
    });
    expect(await job.handle({ runId: 'run-1', batchId: 'batch-1' })).toMatchObject({
      status: 'built',
      built: 1,
      unchanged: 0,
      invalid: 1,
      failed: 3,
    });
    const settled = settleBatch.mock.calls[0]?.[1] as { problems: { learnerRef: string; reason: string }[] };
    expect(settled.problems).toContainEqual(
      expect.objectContaining({
        learnerRef: learnerRefOf(ids, LEARNERS[1]),
        reason: 'the CLR could not be composed: TypeError: message withheld (it may quote data)',
      }),
    );
    const warned = logs.lines.find((line) => line.msg === 'learner CLR could not be composed: not signed');
    expect(warned?.fields).toMatchObject({ learnerRef: learnerRefOf(ids, LEARNERS[1]) });
    expect(logs.text).not.toContain('Zoë');
    for (const id of LEARNERS) expect(logs.text).not.toContain(id);
  });

  it('counts nothing when another worker settled the batch first', async () => {
    const { job, metrics } = setUp({ settled: false });
    await job.handle({ runId: 'run-1', batchId: 'batch-1' });
    expect(await valueOf(metrics, METRIC_NAMES.learnersBuilt, { outcome: 'changed' })).toBe(0);
    expect(await valueOf(metrics, METRIC_NAMES.clrsSigned)).toBe(0);
    expect(logs.lines.map((line) => line.msg)).not.toContain('build batch built with problems');
  });
});
