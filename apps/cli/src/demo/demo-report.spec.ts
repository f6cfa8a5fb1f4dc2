import { type RunSummary } from '@app/publishing';
import { type DemoReport, demoVerdict } from './demo-report';
import { type DeliveryCounts } from './delivery-settlement';

function run(
  overrides: Partial<RunSummary['counts']> = {},
  status: RunSummary['status'] = 'succeeded',
): RunSummary {
  return {
    id: 'run-1',
    source: 'demo',
    mode: 'full',
    trigger: 'cli',
    requestedBy: 'demo',
    status,
    error: status === 'succeeded' ? null : 'the SIS could not be read',
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    extract: 'done',
    batches: { total: 2, done: 2, failed: 0 },
    counts: {
      learnersSeen: 200,
      learnersBuilt: 200,
      learnersUnchanged: 0,
      learnersFailed: 0,
      learnersRemoved: 0,
      deliveriesQueued: 200,
      assertionsSigned: 6500,
      assertionsRevoked: 0,
      problemCount: 1,
      ...overrides,
    },
    problems: [],
    watermarks: {},
  };
}

function deliveries(overrides: Partial<DeliveryCounts> = {}): DeliveryCounts {
  return {
    pending: 0,
    in_flight: 0,
    retrying: 0,
    delivered: 200,
    dead: 0,
    rejected: 0,
    superseded: 0,
    ...overrides,
  };
}

const verdict = (valid: boolean, clr: string) => ({
  clr,
  valid,
  signatures: 33,
  keyUrl: 'http://127.0.0.1:3000/ims/clr/v1p0/keys/k1',
  reasons: valid ? [] : ['$.signedClr: the signature does not verify with the key'],
});

function report(overrides: Partial<DemoReport> = {}): DemoReport {
  return {
    learners: 200,
    run: run(),
    syncMs: 5000,
    settledMs: 7000,
    deliveriesSettled: true,
    deliveries: deliveries(),
    providerHolds: 200,
    verdicts: [verdict(true, 'aa11'), verdict(true, 'bb22')],
    elapsedMs: 9000,
    ...overrides,
  };
}

describe('demoVerdict', () => {
  it('is OK when everything was delivered and every sample verified, and says so with the figures', () => {
    const result = demoVerdict(report());
    expect(result.ok).toBe(true);
    expect(result.lines).toContain('  signed      200 CLRs, 6,500 assertions (RS256)');
    expect(result.lines).toContain('  delivered   200 of 200; failed 0 (0 rejected, 0 dead)');
    expect(result.lines).toContain('  valid    aa11  33 signatures');
    expect(result.lines[result.lines.length - 1]).toBe(
      'OK: 200 learners, 6,500 assertions and 200 CLRs signed, 200 delivered, 2/2 verified, 9.0 s in all',
    );
  });

  it('fails on a sampled CLR that does not verify, showing the reason', () => {
    const result = demoVerdict(report({ verdicts: [verdict(true, 'aa11'), verdict(false, 'bb22')] }));
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain(
      '  INVALID  bb22  33 signatures\n           $.signedClr: the signature does not verify with the key',
    );
    expect(result.lines[result.lines.length - 1]).toBe('FAILED: 1 of 2 sampled CLRs did not verify');
  });

  it('fails on undelivered CLRs: open, dead, rejected, or missing at the provider', () => {
    expect(
      demoVerdict(
        report({
          deliveriesSettled: false,
          deliveries: deliveries({ delivered: 190, retrying: 10 }),
          providerHolds: 190,
        }),
      ).lines.at(-1),
    ).toBe('FAILED: 10 deliveries were still open when the wait ended; 190 CLRs delivered for 200 signed');
    expect(
      demoVerdict(
        report({ deliveries: deliveries({ delivered: 198, rejected: 1, dead: 1 }), providerHolds: 198 }),
      ).lines.at(-1),
    ).toBe('FAILED: 2 deliveries failed (1 rejected, 1 dead); 198 CLRs delivered for 200 signed');
    expect(demoVerdict(report({ providerHolds: 150 })).lines.at(-1)).toBe(
      'FAILED: the provider holds 150 CLRs, not 200',
    );
  });

  it('fails on a failed run, failed learners or an empty sample', () => {
    const failed = run({}, 'failed');
    failed.problems = [
      {
        recordSet: 'build',
        key: 'batch 1',
        reason: 'build failed: TypeError',
        effect: null,
        learnerRef: null,
      },
    ];
    expect(demoVerdict(report({ run: failed })).lines.slice(-3)).toEqual([
      '  problem  build batch 1: build failed: TypeError',
      '',
      'FAILED: the sync run failed: the SIS could not be read',
    ]);
    expect(demoVerdict(report()).lines.join('\n')).not.toContain('problem  ');
    expect(
      demoVerdict(
        report({
          run: run({ learnersBuilt: 199, learnersFailed: 1 }),
          deliveries: deliveries({ delivered: 199 }),
          providerHolds: 199,
        }),
      ).lines.at(-1),
    ).toBe('FAILED: 1 learner(s) got no valid CLR');
    expect(demoVerdict(report({ verdicts: [] })).lines.at(-1)).toBe(
      'FAILED: no delivered CLR could be sampled',
    );
  });
});
