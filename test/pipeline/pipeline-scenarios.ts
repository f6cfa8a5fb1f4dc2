/**
 * The publishing pipeline's end-to-end scenarios, written once and run on each store (SQLite and
 * PostgreSQL suites call {@link pipelineScenarios}). The cases run in order on one stack: each
 * starts from what the previous one left (a registrar's week, compressed).
 */
import { type Clr, type CompactJws, verifyClr } from '@app/clr';
import { PublicationUrls } from '@app/publishing';
import { mutateDemoSis } from '@app/sis';
import { type PipelineStack, type StoreKind, sqlNow, startPipelineStack } from '../support/pipeline-harness';

const LEARNERS = 30;

function decodePayload<T>(jws: CompactJws): T {
  return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8')) as T;
}

/** The signed assertions of a delivered CLR, decoded. */
function assertionsOf(clr: Clr): { id: string; results?: { value?: string }[] }[] {
  return (clr.signedAssertions ?? []).map((jws) => decodePayload(jws));
}

interface GradeRow {
  grade_id: string;
  learner_id: string;
  grade: string;
}

export function pipelineScenarios(kind: StoreKind): void {
  let stack: PipelineStack;
  let learnerIds: string[];

  const state = () => stack.provider.state;
  const acceptedPosts = () =>
    state()
      .receivedPosts()
      .filter((post) => post.outcome === 'created' || post.outcome === 'replaced');
  /** A completed, letter-graded, live grade of a learner not in `avoid`. */
  const pickGrade = (avoid: readonly string[] = []): GradeRow =>
    stack.onSis((db) => {
      const rows = db
        .prepare(
          `SELECT grade_id, learner_id, grade FROM clr_course_grades
           WHERE is_deleted = 0 AND status = 'Completed' AND grade IN ('A','B','C') ORDER BY grade_id`,
        )
        .all() as GradeRow[];
      const row = rows.find((candidate) => !avoid.includes(candidate.learner_id));
      if (row === undefined) throw new Error('the demo SIS has no grade to change');
      return row;
    });

  beforeAll(async () => {
    stack = await startPipelineStack({ name: `scenarios-${kind}`, learners: LEARNERS, store: kind });
    await stack.startWorker();
    learnerIds = stack.onSis(
      (db) => db.prepare('SELECT learner_id FROM clr_learners ORDER BY learner_id').pluck().all() as string[],
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('delivers one valid signed CLR per learner on a full sync, each verifying against the hosted keys over HTTP', async () => {
    const summary = await stack.sync('full');
    expect(summary).toMatchObject({
      status: 'succeeded',
      counts: {
        learnersSeen: LEARNERS,
        learnersBuilt: LEARNERS,
        learnersFailed: 0,
        deliveriesQueued: LEARNERS,
      },
    });
    const counts = await stack.settle();
    expect(counts).toMatchObject({ delivered: LEARNERS, rejected: 0, dead: 0, superseded: 0 });

    const stored = state().storedClrs();
    expect(new Set(stored.map((clr) => clr.id))).toEqual(
      new Set(learnerIds.map((id) => stack.ids.clrId(id))),
    );
    for (const clr of stored) {
      expect(state().countsByClrId()[clr.id]).toEqual({ received: 1, accepted: 1 });
    }
    const resolver = stack.resolver();
    const keyPrefix = `${stack.apiUrl}/ims/clr/v1p0/keys/`;
    for (const clr of stored) {
      expect(clr.format).toBe('signedClr');
      const report = await verifyClr(clr.payload, { resolver });
      expect({ clr: clr.id, findings: report.findings }).toEqual({ clr: clr.id, findings: [] });
      expect(report.objects.length).toBe(1 + assertionsOf(clr.clr).length);
      expect(report.objects.every((object) => object.valid && object.keyUrl?.startsWith(keyPrefix))).toBe(
        true,
      );
    }

    // A signature that is not ours fails, and says so.
    const jws = (stored[0].payload as { signedClr: string }).signedClr;
    const forged = `${jws.slice(0, jws.lastIndexOf('.'))}.${Buffer.alloc(256, 1).toString('base64url')}`;
    const report = await verifyClr({ ...stored[0].payload, signedClr: forged }, { resolver });
    expect(report.valid).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ path: '$.signedClr', reason: expect.stringMatching(/signature/i) }),
    ]);
  }, 120_000);

  it('delivers nothing on a second sync when the SIS did not change', async () => {
    const postsBefore = state().receivedPosts().length;
    const full = await stack.sync('full');
    expect(full.counts).toMatchObject({
      learnersSeen: LEARNERS,
      learnersBuilt: 0,
      learnersUnchanged: LEARNERS,
      deliveriesQueued: 0,
      assertionsSigned: 0,
    });
    const incremental = await stack.sync('incremental');
    expect(incremental).toMatchObject({
      status: 'succeeded',
      counts: { learnersBuilt: 0, deliveriesQueued: 0 },
    });
    await stack.settle();
    expect(state().receivedPosts()).toHaveLength(postsBefore);
  }, 120_000);

  it('redelivers exactly the learner whose grade changed, with the new grade', async () => {
    const row = pickGrade();
    const newGrade = row.grade === 'A' ? 'B' : 'A';
    stack.onSis((db) =>
      db
        .prepare('UPDATE clr_course_grades SET grade = ?, updated_at = ? WHERE grade_id = ?')
        .run(newGrade, sqlNow(), row.grade_id),
    );
    const postsBefore = state().receivedPosts().length;
    const summary = await stack.sync('incremental');
    expect(summary).toMatchObject({ status: 'succeeded', counts: { learnersBuilt: 1, deliveriesQueued: 1 } });
    await stack.settle();

    const clrId = stack.ids.clrId(row.learner_id);
    expect(state().receivedPosts().slice(postsBefore)).toEqual([
      expect.objectContaining({ clrId, status: 200, outcome: 'replaced' }),
    ]);
    const delivered = state().getClr(clrId)!;
    const assertion = assertionsOf(delivered.clr).find(
      (candidate) => candidate.id === stack.ids.assertionId('course-grade', row.grade_id),
    );
    expect(assertion?.results?.[0]?.value).toBe(newGrade);
    expect((await verifyClr(delivered.payload, { resolver: stack.resolver() })).findings).toEqual([]);
  }, 120_000);

  it('revokes the assertion of a deleted grade: listed on the served revocation list, 410 at its URL', async () => {
    const row = pickGrade();
    const assertionId = stack.ids.assertionId('course-grade', row.grade_id);
    const clrId = stack.ids.clrId(row.learner_id);
    const before = state().getClr(clrId)!.payload;
    expect((await fetch(assertionId)).status).toBe(200);

    stack.onSis((db) =>
      db
        .prepare('UPDATE clr_course_grades SET is_deleted = 1, updated_at = ? WHERE grade_id = ?')
        .run(sqlNow(), row.grade_id),
    );
    const summary = await stack.sync('incremental');
    expect(summary).toMatchObject({
      status: 'succeeded',
      counts: { learnersBuilt: 1, assertionsRevoked: 1, deliveriesQueued: 1 },
    });
    await stack.settle();

    // The redelivered CLR no longer carries it, and verifies.
    const after = state().getClr(clrId)!;
    expect(assertionsOf(after.clr).map((assertion) => assertion.id)).not.toContain(assertionId);
    expect((await verifyClr(after.payload, { resolver: stack.resolver() })).findings).toEqual([]);

    // Exactly one of the served revocation lists names it.
    const urls = new PublicationUrls(stack.apiUrl, stack.ids);
    const owners = [...new Set((await stack.store.keyOwners.list()).map((owner) => owner.ownerId))];
    const listing: string[] = [];
    for (const owner of owners) {
      const url = urls.revocationListUrl(urls.revocationListId(owner));
      const response = await fetch(url);
      if (response.status === 404) continue;
      expect(response.status).toBe(200);
      const list = (await response.json()) as { revokedAssertions?: (string | { id: string })[] };
      const ids = (list.revokedAssertions ?? []).map((entry) =>
        typeof entry === 'string' ? entry : entry.id,
      );
      if (ids.includes(assertionId)) listing.push(url);
    }
    expect(listing).toHaveLength(1);

    const gone = await fetch(assertionId);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ id: assertionId, revoked: true });

    // The CLR delivered before now fails on exactly that assertion's revocation.
    const old = await verifyClr(before, { resolver: stack.resolver() });
    expect(old.valid).toBe(false);
    expect(old.findings).toEqual([expect.objectContaining({ reason: expect.stringMatching(/revoked/i) })]);
  }, 120_000);

  it('delivers every new version exactly once through a spell of 500s and 429s', async () => {
    state().reset();
    state().injectFault({ status: 500, count: 4 });
    state().injectFault({ status: 429, retryAfter: '1', count: 3 });
    mutateDemoSis(stack.sisFile, { fraction: 0.3, seed: 5 });
    const summary = await stack.sync('incremental');
    expect(summary.status).toBe('succeeded');
    const built = summary.counts.learnersBuilt;
    expect(built).toBeGreaterThan(3);
    expect(summary.counts.deliveriesQueued).toBe(built);
    const counts = await stack.settle();
    expect(counts).toMatchObject({ rejected: 0, dead: 0 });

    const posts = state().receivedPosts();
    expect(posts.filter((post) => post.outcome === 'fault').map((post) => post.status)).toEqual([
      500, 500, 500, 500, 429, 429, 429,
    ]);
    const perClr = state().countsByClrId();
    const accepted = Object.entries(perClr).filter(([, c]) => c.accepted > 0);
    expect(accepted).toHaveLength(built);
    for (const [clrId, c] of accepted)
      expect({ clrId, accepted: c.accepted }).toEqual({ clrId, accepted: 1 });
    // What the provider holds is each learner's newest version.
    for (const [clrId] of accepted) {
      const latest = await stack.store.versions.latestByClrId(clrId);
      expect((state().getClr(clrId)!.payload as { signedClr: string }).signedClr).toBe(latest!.signedPayload);
    }
  }, 120_000);

  it('keeps a rejected delivery with its status and reason when the provider answers 400, and delivers the rest', async () => {
    state().reset();
    state().injectFault({ status: 400, count: 1, description: 'e2e: the provider refuses this CLR' });
    const changed: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const row = pickGrade(changed);
      changed.push(row.learner_id);
      stack.onSis((db) =>
        db
          .prepare('UPDATE clr_course_grades SET grade = ?, updated_at = ? WHERE grade_id = ?')
          .run(row.grade === 'C' ? 'B' : 'C', sqlNow(), row.grade_id),
      );
    }
    const rejectedBefore = (await stack.store.deliveries.countByStatus()).rejected;
    const summary = await stack.sync('incremental');
    expect(summary).toMatchObject({ status: 'succeeded', counts: { learnersBuilt: 3, deliveriesQueued: 3 } });
    const counts = await stack.settle();
    expect(counts.rejected).toBe(rejectedBefore + 1);

    const [rejected] = await stack.store.deliveries.list({ status: 'rejected', limit: 10 });
    expect(rejected).toMatchObject({ status: 'rejected', attempts: 1, lastHttpStatus: 400 });
    expect(rejected.imsxBody).toContain('e2e: the provider refuses this CLR');
    expect(rejected.lastError).toEqual(expect.any(String));
    expect(changed.map((id) => stack.learnerRef(id))).toContain(rejected.learnerRef);
    // The other two went through; the rejected one was tried once and left alone.
    expect(acceptedPosts()).toHaveLength(2);
    expect(
      state()
        .receivedPosts()
        .filter((post) => post.status === 400),
    ).toHaveLength(1);
  }, 120_000);
}
