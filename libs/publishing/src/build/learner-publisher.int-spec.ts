import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClrIdFactory, mapLearnerToClr } from '@app/mapping';
import { PublisherStore } from '@app/store';
import { context, fullRecords, grade, LEARNER_ID } from '../../../mapping/test/learner-records.fixture';
import { PublicationUrls } from '../keys/publication-urls';
import { SigningKeyService } from '../keys/signing-key.service';
import { LEARNER_REMOVED_REASON, LearnerPublisher, type PublishContext } from './learner-publisher';
import { learnerRefOf } from './learner-ref';

describe('LearnerPublisher: a learner who leaves the SIS and comes back (SQLite store)', () => {
  let dir: string;
  let store: PublisherStore;
  let publisher: LearnerPublisher;
  const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);
  const learnerRef = learnerRefOf(ids, LEARNER_ID);
  const institution = ids.institutionProfileId();

  const contextOf = async (removedClrIds: ReadonlySet<string> = new Set()): Promise<PublishContext> => {
    const run = await store.runs.create({ source: 'sis', mode: 'full', trigger: 'cli' });
    return { runId: run.id, issuedOn: '2025-01-15T02:00:00Z', force: false, targetIds: [], removedClrIds };
  };
  const latest = async () => (await store.versions.latestSummaries([learnerRef])).get(learnerRef);
  const publish = async (records: ReturnType<typeof fullRecords>, removedClrIds?: ReadonlySet<string>) => {
    const { clr } = mapLearnerToClr(records, context());
    return publisher.publish(
      learnerRef,
      LEARNER_ID,
      clr,
      records,
      await latest(),
      await contextOf(removedClrIds),
    );
  };
  const clrRevoked = async () => store.revocations.isRevoked(ids.clrId(LEARNER_ID), institution);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clr-learner-publisher-'));
    store = await PublisherStore.open(
      { driver: 'sqlite', file: join(dir, 'store.db') },
      { masterKey: randomBytes(32), migrations: 'apply' },
    );
    const urls = new PublicationUrls(context().publicBaseUrl, ids);
    publisher = new LearnerPublisher(store, new SigningKeyService(store, urls), ids);
  });

  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('revokes every assertion and the CLR once, on the institution list', async () => {
    expect(await publish(fullRecords())).toMatchObject({ kind: 'built', version: 1 });
    const active = await store.ledger.listForLearner(learnerRef, 'active');
    expect(active.length).toBeGreaterThan(1);

    expect(await publisher.remove(learnerRef, await latest())).toEqual({
      kind: 'removed',
      revoked: active.length,
      clrRevoked: true,
    });
    expect(await store.ledger.listForLearner(learnerRef, 'active')).toEqual([]);
    expect(await store.revocations.listByIssuer(institution)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ revokedId: ids.clrId(LEARNER_ID), reason: LEARNER_REMOVED_REASON }),
      ]),
    );
    expect(await publisher.remove(learnerRef, await latest())).toEqual({ kind: 'not-found' });
  }, 30_000);

  it('publishes a returning learner with unchanged content only when the batch saw the removal', async () => {
    await publish(fullRecords());
    await publisher.remove(learnerRef, await latest());
    // Without the removal in view, unchanged content is unchanged: nothing published.
    expect(await publish(fullRecords())).toEqual({ kind: 'unchanged' });
    expect(await clrRevoked()).toBe(true);

    const removed = new Set([ids.clrId(LEARNER_ID)]);
    expect(await publish(fullRecords(), removed)).toMatchObject({ kind: 'built', version: 2 });
    expect(await clrRevoked()).toBe(false);
    expect(await store.ledger.listForLearner(learnerRef, 'revoked')).toEqual([]);
  }, 30_000);

  it("takes the removal's revocation back with any new version, even one the batch read before the removal", async () => {
    await publish(fullRecords());
    // A concurrent run records the removal after this batch read its state (removedClrIds empty).
    await publisher.remove(learnerRef, await latest());
    const changed = fullRecords({
      courseGrades: [...fullRecords().courseGrades, grade({ gradeId: 'G-NEW' })],
    });
    expect(await publish(changed)).toMatchObject({ kind: 'built', version: 2 });
    expect(await clrRevoked()).toBe(false);
  }, 30_000);

  it('leaves a CLR revocation made for another reason in place', async () => {
    await publish(fullRecords());
    await store.revocations.add(institution, ids.clrId(LEARNER_ID), 'issued in error');
    const changed = fullRecords({
      courseGrades: [...fullRecords().courseGrades, grade({ gradeId: 'G-NEW' })],
    });
    expect(await publish(changed)).toMatchObject({ kind: 'built', version: 2 });
    expect(await clrRevoked()).toBe(true);
  }, 30_000);
});
