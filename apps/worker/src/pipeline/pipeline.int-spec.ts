import { type VerificationReport, verifyClr } from '@app/clr';
import { QueueName } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { type RunSummary, learnerRefOf, RUN_WATERMARK_KEY } from '@app/publishing';
import { mutateDemoSis } from '@app/sis';
import { describeWithService } from '@app/testing';
import Database from 'better-sqlite3';
import { type PipelineHarness, startPipeline } from '../../test/pipeline-harness';

const LEARNERS = 150;

function sqlNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** Runs SQL on the demo SIS file (the registrar's side of the story). */
function onSis(file: string, work: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    work(db);
  } finally {
    db.close();
  }
}

describeWithService('redis', 'publishing pipeline on a demo SIS (SQLite store, real Redis)', () => {
  let h: PipelineHarness;
  let ids: ClrIdFactory;
  let targetId: string;
  let first: RunSummary;

  const run = async (mode: 'full' | 'incremental'): Promise<RunSummary> => {
    const started = await h.runs.trigger({ mode, trigger: 'cli', requestedBy: 'spec' });
    return h.runs.waitForRun(started.id, { timeoutMs: 120_000, pollMs: 50, problemLimit: 1000 });
  };
  const verify = async (learnerRef: string, version?: number): Promise<VerificationReport> => {
    const versions = await h.store.versions.listVersions(learnerRef);
    const summary = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    const stored = await h.store.versions.getVersion(summary!.id);
    return verifyClr(stored!.signedPayload!, { resolver: await h.resolver() });
  };

  beforeAll(async () => {
    h = await startPipeline('main', LEARNERS, { queues: [QueueName.Extract, QueueName.Build] });
    ids = new ClrIdFactory(h.config.publicBaseUrl, h.config.institution.idSecret);
    const { target } = await h.store.targets.upsert({
      name: 'stand-in',
      baseUrl: 'http://127.0.0.1:9',
      authMode: 'client_credentials',
      clientId: 'client',
      clientSecret: 'secret',
      scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      payloadForm: 'signedClr',
      concurrency: 1,
      ratePerSecond: 10,
      timeoutMs: 1000,
      enabled: true,
    });
    targetId = target.id;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('builds, signs and stores every learner in a full run, with one delivery per target queued', async () => {
    first = await run('full');
    expect(first).toMatchObject({
      status: 'succeeded',
      error: null,
      extract: 'done',
      batches: { total: LEARNERS / 25, done: LEARNERS / 25, failed: 0 },
      counts: {
        learnersSeen: LEARNERS,
        learnersBuilt: LEARNERS,
        learnersUnchanged: 0,
        learnersFailed: 0,
        learnersRemoved: 0,
        deliveriesQueued: LEARNERS,
      },
    });
    expect(first.counts.assertionsSigned).toBeGreaterThan(LEARNERS * 5);
    // The generator's defective learner: its bad rows are reported (set, key, reason), by ref.
    expect(h.demo.defectiveLearners).toHaveLength(1);
    const defective = learnerRefOf(ids, h.demo.defectiveLearners[0]);
    expect(first.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          recordSet: 'clr_course_grades',
          reason: 'course_id refers to no usable row of clr_courses',
          learnerRef: defective,
        }),
      ]),
    );
    expect(JSON.stringify(first.problems)).not.toContain(h.demo.defectiveLearners[0]);
    // Watermark taken before paging, committed with the success; the slot is free again.
    const committed = await h.store.watermarks.get('demo', RUN_WATERMARK_KEY);
    expect(committed?.value).toBe(first.watermarks[RUN_WATERMARK_KEY]);
    expect(committed?.runId).toBe(first.id);
    expect(await h.store.slots.holder('demo')).toBeNull();

    expect((await h.store.deliveries.countByStatus(targetId)).pending).toBe(LEARNERS);
    const deliverJobs = await h.producer.queue(QueueName.Deliver).getJobCounts('waiting', 'delayed');
    expect(deliverJobs.waiting + deliverJobs.delayed).toBe(LEARNERS);
  }, 150_000);

  it('signs verifiably: every key document and revocation list the CLRs point at is published', async () => {
    const documents = await h.keys.keyDocuments();
    const [{ kid }] = await h.keys.list();
    const documentIds = documents.map((document) => document.id.split('/').pop()!);
    expect(documentIds).toContain(kid);
    expect(documentIds.some((id) => new RegExp(`^${kid}\\.[0-9a-f]{32}$`).test(id))).toBe(true);
    for (const document of documents) {
      expect(await h.keys.keyDocument(document.id.split('/').pop()!)).toEqual(document);
    }
    const sample = await h.store.versions.listLearners({ limit: 4 });
    for (const { learnerRef } of sample) {
      const report = await verify(learnerRef);
      expect({ learnerRef, findings: report.findings }).toEqual({ learnerRef, findings: [] });
      expect(report.objects.length).toBeGreaterThan(5);
    }
  }, 60_000);

  it('changes nothing on a second run when the SIS did not change', async () => {
    const second = await run('full');
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({
      learnersSeen: LEARNERS,
      learnersBuilt: 0,
      learnersUnchanged: LEARNERS,
      deliveriesQueued: 0,
      assertionsSigned: 0,
    });
    const incremental = await run('incremental');
    expect(incremental.status).toBe('succeeded');
    expect(incremental.counts.learnersBuilt).toBe(0);
    expect((await h.store.deliveries.countByStatus(targetId)).pending).toBe(LEARNERS);
  }, 150_000);

  it('rebuilds exactly the learners whose grades changed, superseding their undelivered versions', async () => {
    const mutated = mutateDemoSis(h.sisFile, { fraction: 0.02, seed: 11 });
    expect(mutated.gradesChanged).toBeGreaterThan(0);
    const summary = await run('incremental');
    expect(summary.status).toBe('succeeded');
    expect(summary.counts.learnersBuilt).toBe(mutated.learnerIds.length);
    expect(summary.counts.deliveriesQueued).toBe(mutated.learnerIds.length);
    const rebuilt = new Set(
      (await h.store.versions.listLearners({ limit: 1000 }))
        .filter((row) => row.latestVersion === 2)
        .map((row) => row.learnerRef),
    );
    expect(rebuilt).toEqual(new Set(mutated.learnerIds.map((id) => learnerRefOf(ids, id))));
    const counts = await h.store.deliveries.countByStatus(targetId);
    expect(counts.superseded).toBe(mutated.learnerIds.length);
    expect(counts.pending).toBe(LEARNERS);
  }, 150_000);

  it('revokes the assertion of a deleted grade and lists it on its issuer’s revocation list', async () => {
    let gradeId = '';
    let learnerId = '';
    onSis(h.sisFile, (db) => {
      const row = db
        .prepare(
          `SELECT grade_id, learner_id FROM clr_course_grades WHERE is_deleted = 0 AND status = 'Completed'
           AND grade IN ('A','B','C') ORDER BY grade_id LIMIT 1 OFFSET 40`,
        )
        .get() as { grade_id: string; learner_id: string };
      gradeId = row.grade_id;
      learnerId = row.learner_id;
      db.prepare('UPDATE clr_course_grades SET is_deleted = 1, updated_at = ? WHERE grade_id = ?').run(
        sqlNow(),
        gradeId,
      );
    });
    const learnerRef = learnerRefOf(ids, learnerId);
    const before = (await h.store.versions.listVersions(learnerRef))[0].version;
    const assertionId = ids.assertionId('course-grade', gradeId);
    expect((await h.store.ledger.get(assertionId))?.status).toBe('active');

    const summary = await run('incremental');
    expect(summary.status).toBe('succeeded');
    expect(summary.counts.learnersBuilt).toBe(1);
    expect(summary.counts.assertionsRevoked).toBe(1);
    const ledger = await h.store.ledger.get(assertionId);
    expect(ledger).toMatchObject({
      status: 'revoked',
      revocationReason: expect.stringContaining('no longer'),
    });

    const lists = await Promise.all(
      (await h.store.keyOwners.list()).map((owner) =>
        h.revocations.document(h.urls.revocationListId(owner.ownerId)),
      ),
    );
    const listing = lists.filter((list) => list?.revokedAssertions?.includes(assertionId));
    expect(listing).toHaveLength(1);

    // The new version verifies; the old one now fails on exactly that assertion's revocation.
    expect((await verify(learnerRef)).findings).toEqual([]);
    const old = await verify(learnerRef, before);
    expect(old.findings).toEqual([
      expect.objectContaining({ stage: 'revocation', reason: expect.stringContaining('revoked') }),
    ]);
  }, 150_000);

  const LEARNER_TABLES = [
    'clr_course_grades',
    'clr_competency_results',
    'clr_cocurriculars',
    'clr_degrees',
    'clr_learners',
  ] as const;
  /** The removed learner's SIS rows, as they were before the deletion. */
  let goneRows: { table: string; rows: Record<string, unknown>[] }[] = [];

  it('revokes every assertion of a learner the SIS deleted, and their CLR, on the next full run', async () => {
    const gone = h.demo.defectiveLearners[0];
    const learnerRef = learnerRefOf(ids, gone);
    const active = await h.store.ledger.listForLearner(learnerRef, 'active');
    expect(active.length).toBeGreaterThan(0);
    const [latest] = await h.store.versions.listVersions(learnerRef);
    expect((await verify(learnerRef)).findings).toEqual([]);
    onSis(h.sisFile, (db) => {
      goneRows = LEARNER_TABLES.map((table) => ({
        table,
        rows: db.prepare(`SELECT * FROM ${table} WHERE learner_id = ?`).all(gone) as Record<
          string,
          unknown
        >[],
      }));
      for (const table of LEARNER_TABLES) db.prepare(`DELETE FROM ${table} WHERE learner_id = ?`).run(gone);
    });
    const summary = await run('full');
    expect(summary.status).toBe('succeeded');
    expect(summary.counts).toMatchObject({
      learnersSeen: LEARNERS,
      learnersRemoved: 1,
      assertionsRevoked: active.length,
      learnersBuilt: 0,
    });
    expect(summary.problems).toContainEqual(
      expect.objectContaining({
        recordSet: 'clr_learners',
        key: learnerRef,
        reason: `the learner is no longer in the SIS: ${active.length} assertion(s) and the CLR revoked`,
      }),
    );
    expect(await h.store.ledger.listForLearner(learnerRef, 'active')).toEqual([]);
    // The CLR itself is on the institution's revocation list: a provider holding the signed CLR
    // finds it revoked, not only its assertions.
    const institutionList = await h.store.revocations.listByIssuer(ids.institutionProfileId());
    expect(institutionList.filter((entry) => entry.revokedId === latest.clrId)).toEqual([
      expect.objectContaining({ reason: 'the learner is no longer in the SIS' }),
    ]);
    const report = await verify(learnerRef);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        stage: 'revocation',
        reason: expect.stringContaining(`${latest.clrId} is revoked`),
      }),
    );
    expect(
      (await h.store.versions.pageLatest({ offset: 0, limit: 1000 })).versions.map((v) => v.clrId),
    ).not.toContain(latest.clrId);
    // Removed once: the next full run finds nothing more to revoke.
    const again = await run('full');
    expect(again.counts.learnersRemoved).toBe(0);
    expect(again.counts.learnersSeen).toBe(LEARNERS - 1);
  }, 200_000);

  it('publishes a learner back in the SIS again, with their CLR and assertions no longer revoked', async () => {
    const back = h.demo.defectiveLearners[0];
    const learnerRef = learnerRefOf(ids, back);
    const [removed] = await h.store.versions.listVersions(learnerRef);
    onSis(h.sisFile, (db) => {
      // The same rows as before (so the same CLR content); the learner row changed now, for the
      // incremental read (a record's updated_at can be an assertion's issuedOn).
      for (const { table, rows } of [...goneRows].reverse()) {
        for (const row of rows) {
          const columns = Object.keys(row);
          const touched = table === 'clr_learners' ? { ...row, updated_at: sqlNow() } : row;
          db.prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          ).run(...columns.map((column) => touched[column]));
        }
      }
    });
    const summary = await run('incremental');
    expect(summary.status).toBe('succeeded');
    expect(summary.counts).toMatchObject({ learnersBuilt: 1, learnersRemoved: 0, learnersFailed: 0 });
    const [latest] = await h.store.versions.listVersions(learnerRef);
    expect(latest.version).toBe(removed.version + 1);
    expect(latest.contentHash).toBe(removed.contentHash);
    expect(await h.store.revocations.isRevoked(latest.clrId)).toBe(false);
    expect((await h.store.ledger.listForLearner(learnerRef, 'revoked')).length).toBe(0);
    expect((await verify(learnerRef)).findings).toEqual([]);
    expect((await h.store.deliveries.list({ learnerRef, limit: 10 })).map((d) => d.versionNumber)).toContain(
      latest.version,
    );
    // Published again: a full run lists the learner among the SIS's and removes nothing.
    const full = await run('full');
    expect(full.counts).toMatchObject({ learnersSeen: LEARNERS, learnersRemoved: 0, learnersBuilt: 0 });
  }, 200_000);

  it("reconciles only its own source's learners: another source's are left alone", async () => {
    const otherRun = await h.store.runs.create({ source: 'registrar-archive', mode: 'full', trigger: 'cli' });
    const seed = async (name: string, runId: string | null): Promise<string> => {
      const learnerRef = learnerRefOf(ids, `${name}-1`);
      await h.store.versions.storeVersion({
        learnerRef,
        learnerId: `${name}-1`,
        version: 1,
        contentHash: 'seeded',
        clrId: ids.url('clrs', `${name}`.padEnd(32, '0')),
        signedPayload: null,
        unsignedJson: '{}',
        issuedOn: new Date(),
        keyId: null,
        runId,
      });
      await h.store.ledger.upsertActive(learnerRef, 1, [
        {
          assertionId: ids.url('assertions', `${name}`.padEnd(32, '1')),
          sourceKind: 'course_grade',
          sourceKey: `${name}-G1`,
          achievementId: ids.url('achievements', `${name}`.padEnd(32, '2')),
        },
      ]);
      return learnerRef;
    };
    // Published by another source's run: the demo SIS does not have it, and must not revoke it.
    const elsewhere = await seed('elsewhere', otherRun.id);
    // Published outside any run (an operator republish): the default source's, so reconciled.
    const unattributed = await seed('unattributed', null);
    const summary = await run('full');
    expect(summary.counts).toMatchObject({
      learnersSeen: LEARNERS + 1,
      learnersRemoved: 1,
      learnersBuilt: 0,
    });
    expect(summary.problems.filter((problem) => problem.recordSet === 'clr_learners')).toEqual([
      expect.objectContaining({ key: unattributed, reason: expect.stringContaining('no longer in the SIS') }),
    ]);
    expect(await h.store.ledger.listForLearner(elsewhere, 'active')).toHaveLength(1);
    expect(await h.store.ledger.listForLearner(unattributed, 'active')).toHaveLength(0);

    // A republish run of this source naming the other source's learner reads them from the wrong
    // SIS: it reports that and revokes nothing.
    const started = await h.runs.trigger({
      source: 'demo',
      mode: 'republish',
      trigger: 'cli',
      requestedBy: 'spec',
      learnerIds: ['elsewhere-1'],
      force: true,
    });
    const republish = await h.runs.waitForRun(started.id, {
      timeoutMs: 60_000,
      pollMs: 50,
      problemLimit: 100,
    });
    expect(republish.status).toBe('succeeded');
    expect(republish.counts).toMatchObject({ learnersSeen: 1, learnersRemoved: 0, assertionsRevoked: 0 });
    expect(republish.problems).toEqual([
      expect.objectContaining({
        recordSet: 'clr_learners',
        key: elsewhere,
        reason: expect.stringContaining('last published from source "registrar-archive"'),
      }),
    ]);
    expect(await h.store.ledger.listForLearner(elsewhere, 'active')).toHaveLength(1);
    expect(await h.store.revocations.isRevoked(ids.url('clrs', 'elsewhere'.padEnd(32, '0')))).toBe(false);
  }, 200_000);

  it('goes on past a learner id longer than the SIS contract allows, and reports it without the id', async () => {
    const garbage = 'X'.repeat(300);
    expect((await run('full')).status).toBe('succeeded'); // a watermark: the next run reads changes
    onSis(h.sisFile, (db) => {
      const grade = db.prepare('SELECT * FROM clr_course_grades LIMIT 1').get() as Record<string, unknown>;
      const row = { ...grade, grade_id: 'G-GARBAGE', learner_id: garbage, updated_at: sqlNow() };
      const columns = Object.keys(row);
      db.prepare(
        `INSERT INTO clr_course_grades (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      ).run(...Object.values(row));
    });
    try {
      const summary = await run('incremental');
      expect(summary.status).toBe('succeeded');
      expect(summary.problems).toContainEqual(
        expect.objectContaining({ recordSet: 'clr_learners', key: 'a learner id of 300 characters' }),
      );
      expect(JSON.stringify(summary.problems)).not.toContain(garbage);
    } finally {
      onSis(h.sisFile, (db) =>
        db.prepare("DELETE FROM clr_course_grades WHERE grade_id = 'G-GARBAGE'").run(),
      );
    }
  }, 150_000);
});
