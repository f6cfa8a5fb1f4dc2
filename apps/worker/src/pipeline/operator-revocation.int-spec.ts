import { type Clr, verifyClr } from '@app/clr';
import { QueueName } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import {
  AssertionOperations,
  type OperationActor,
  RUN_WATERMARK_KEY,
  RepublishOperations,
  type RunSummary,
  learnerRefOf,
} from '@app/publishing';
import { describeWithService } from '@app/testing';
import Database from 'better-sqlite3';
import { type PipelineHarness, startPipeline } from '../../test/pipeline-harness';

const LEARNERS = 12;
const OPERATOR: OperationActor = { actor: 'spec-operator', via: 'cli' };

describeWithService('redis', 'an operator revokes and reinstates an assertion (demo SIS, real Redis)', () => {
  let h: PipelineHarness;
  let ids: ClrIdFactory;
  let assertions: AssertionOperations;
  let republish: RepublishOperations;
  let learnerId: string;
  let learnerRef: string;
  let assertionId: string;

  const wait = (runId: string): Promise<RunSummary> =>
    h.runs.waitForRun(runId, { timeoutMs: 60_000, pollMs: 50, problemLimit: 100 });
  const run = async (mode: 'full' | 'incremental', force = false): Promise<RunSummary> =>
    wait((await h.runs.trigger({ mode, trigger: 'cli', requestedBy: 'spec', force })).id);
  const latestClr = async (): Promise<{ version: number; clr: Clr; signed: string }> => {
    const latest = (await h.store.versions.latestVersion(learnerRef))!;
    return {
      version: latest.version,
      clr: JSON.parse(latest.unsignedJson) as Clr,
      signed: latest.signedPayload!,
    };
  };
  const carried = (clr: Clr): string[] => (clr.assertions ?? []).map((assertion) => assertion.id);
  const listed = async (): Promise<boolean> => {
    for (const owner of await h.store.keyOwners.list()) {
      const list = await h.revocations.document(h.urls.revocationListId(owner.ownerId));
      if (list?.revokedAssertions?.includes(assertionId) === true) return true;
    }
    return false;
  };

  beforeAll(async () => {
    h = await startPipeline('operator', LEARNERS, { queues: [QueueName.Extract, QueueName.Build] });
    ids = new ClrIdFactory(h.config.publicBaseUrl, h.config.institution.idSecret);
    assertions = new AssertionOperations(h.store, h.runs, ids, h.config);
    republish = new RepublishOperations(h.store, h.runs, ids, h.config);
    expect((await run('full')).status).toBe('succeeded');
    const db = new Database(h.sisFile, { readonly: true });
    try {
      const row = db
        .prepare(
          `SELECT grade_id, learner_id FROM clr_course_grades WHERE is_deleted = 0 AND status = 'Completed'
           AND grade IN ('A','B','C') ORDER BY grade_id LIMIT 1 OFFSET 3`,
        )
        .get() as { grade_id: string; learner_id: string };
      learnerId = row.learner_id;
      assertionId = ids.assertionId('course-grade', row.grade_id);
    } finally {
      db.close();
    }
    learnerRef = learnerRefOf(ids, learnerId);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('revokes: on the revocation list at once, and the republished CLR leaves it out', async () => {
    const before = await latestClr();
    expect(carried(before.clr)).toContain(assertionId);
    const result = await assertions.revoke(assertionId.split('/').pop()!, 'issued in error', OPERATOR);
    expect(result).toMatchObject({
      change: 'revoked',
      assertion: { assertionId, learnerRef, status: 'revoked', revokedBy: 'operator' },
      republish: {
        status: 'queued',
        run: { mode: 'republish', source: 'demo', requestedBy: 'spec-operator' },
      },
    });
    expect(await listed()).toBe(true);
    if (result.republish.status !== 'queued') throw new Error('republish not queued');
    const republished = await wait(result.republish.run.id);
    expect(republished).toMatchObject({ status: 'succeeded', counts: { learnersSeen: 1, learnersBuilt: 1 } });

    const after = await latestClr();
    expect(after.version).toBe(before.version + 1);
    expect(carried(after.clr)).not.toContain(assertionId);
    expect(carried(after.clr)).toHaveLength(carried(before.clr).length - 1);
    const report = await verifyClr(after.signed, { resolver: await h.resolver() });
    expect(report.findings).toEqual([]);
    const audit = await h.store.audit.list({ action: 'assertion.revoke', subject: assertionId });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('spec-operator');
    expect(JSON.parse(audit[0].details!)).toMatchObject({
      reason: 'issued in error',
      runId: republished.id,
      republish: 'queued',
    });
    expect(audit[0].details).not.toContain(learnerId);
  }, 60_000);

  it('stays revoked through later forced builds while the SIS row still exists', async () => {
    const forced = await run('full', true);
    expect(forced).toMatchObject({
      status: 'succeeded',
      counts: { learnersBuilt: LEARNERS, assertionsRevoked: 0 },
    });
    expect(carried((await latestClr()).clr)).not.toContain(assertionId);
    expect(await h.store.ledger.get(assertionId)).toMatchObject({
      status: 'revoked',
      revokedBy: 'operator',
      revocationReason: 'issued in error',
    });
    expect(await listed()).toBe(true);
    await expect(assertions.revoke(assertionId, 'twice', OPERATOR)).rejects.toMatchObject({
      kind: 'CONFLICT',
      code: 'already_revoked',
    });
  }, 90_000);

  it('reinstates: off the list at once, and the republished CLR carries it again', async () => {
    const result = await assertions.reinstate(assertionId, 'reviewed: issued correctly', OPERATOR);
    expect(result).toMatchObject({
      change: 'reinstated',
      assertion: { status: 'active', revokedBy: null, revocationReason: null },
      republish: { status: 'queued' },
    });
    expect(await listed()).toBe(false);
    if (result.republish.status !== 'queued') throw new Error('republish not queued');
    expect((await wait(result.republish.run.id)).status).toBe('succeeded');
    expect(carried((await latestClr()).clr)).toContain(assertionId);
    expect(await h.store.ledger.get(assertionId)).toMatchObject({ status: 'active' });
    await expect(assertions.reinstate(assertionId, 'again', OPERATOR)).rejects.toMatchObject({
      code: 'not_revoked',
    });
  }, 60_000);

  it('does not move the source watermark with a republish run', async () => {
    const committed = await h.store.watermarks.get('demo', RUN_WATERMARK_KEY);
    const result = await republish.republish({ learnerIds: [learnerId] }, OPERATOR);
    expect(result).toMatchObject({ scope: 'learnerIds', learners: 1, run: { mode: 'republish' } });
    const summary = await wait(result.run.id);
    expect(summary).toMatchObject({ status: 'succeeded', watermarks: {} });
    expect(await h.store.watermarks.get('demo', RUN_WATERMARK_KEY)).toEqual(committed);
  }, 60_000);
});
