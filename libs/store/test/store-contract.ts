import { type EntityManager } from 'typeorm';
import {
  KeyCipher,
  KeyCipherError,
  PublisherStore,
  type StoreDriver,
  StoreError,
  type StoreRepositories,
  STORE_MIGRATIONS,
  isUniqueViolation,
  revertLastStoreMigration,
} from '../src';
import { DeliveryEntity } from '../src/entities/delivery.entity';
import { type StoreHarness, masterKey, rsaKeyPair, unique } from './store-harness';
import { walletContract } from './wallet-contract';

/** Settles promises and sorts them into values and store error codes. */
async function settle<T>(
  promises: Promise<T>[],
): Promise<{ values: T[]; codes: string[]; others: unknown[] }> {
  const results = await Promise.allSettled(promises);
  const values: T[] = [];
  const codes: string[] = [];
  const others: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') values.push(result.value);
    else if (result.reason instanceof StoreError) codes.push(result.reason.code);
    else others.push(result.reason);
  }
  return { values, codes, others };
}

async function expectStoreError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  if (message) expect((error as StoreError).message).toMatch(message);
}

/** The raw text a driver stored for a timestamp column, as `YYYY-MM-DD HH:MM:SS.mmm`. */
async function rawTimestamp(
  manager: EntityManager,
  driver: StoreDriver,
  table: string,
  column: string,
  id: string,
): Promise<string> {
  const q = (name: string): string => manager.connection.driver.escape(name);
  const tablePath = manager.connection.driver.escape(table);
  const fullTable =
    driver === 'postgres' &&
    manager.connection.driver.options.type === 'postgres' &&
    manager.connection.driver.schema
      ? `${q(manager.connection.driver.schema)}.${tablePath}`
      : tablePath;
  const expression = {
    sqlite: q(column),
    postgres: `to_char(${q(column)}, 'YYYY-MM-DD HH24:MI:SS.MS')`,
    mysql: `DATE_FORMAT(${q(column)}, '%Y-%m-%d %H:%i:%s.%f')`,
    mssql: `CONVERT(varchar(23), ${q(column)}, 121)`,
  }[driver];
  const parameter = driver === 'postgres' ? '$1' : driver === 'mssql' ? '@0' : '?';
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT ${expression} AS ${q('value')} FROM ${fullTable} WHERE ${q('id')} = ${parameter}`,
    [id],
  );
  return String(rows[0].value).slice(0, 23);
}

/** Every repository behaviour, against one database. */
export function storeContract(makeHarness: () => StoreHarness): void {
  const key = masterKey();
  let harness: StoreHarness;
  let store: PublisherStore;
  let verifyError: unknown;

  beforeAll(async () => {
    harness = makeHarness();
    await harness.reset();
    verifyError = await PublisherStore.open(harness.options, { masterKey: key }).then(
      async (opened) => {
        await opened.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    store = await PublisherStore.open(harness.options, { masterKey: key, migrations: 'apply' });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await harness?.dispose();
  });

  /** A second store on its own connection(s) to the same database: real concurrency. */
  async function secondStore(options: { masterKey?: Buffer } = {}): Promise<PublisherStore> {
    return PublisherStore.open(harness.options, { masterKey: options.masterKey ?? key });
  }

  describe('schema', () => {
    it('refuses to open an unmigrated database by default, naming the missing migration', () => {
      expect(verifyError).toBeInstanceOf(StoreError);
      expect((verifyError as StoreError).code).toBe('SCHEMA_OUTDATED');
      expect((verifyError as StoreError).message).toMatch(
        /InitialSchema1764300000000.*clr-publisher migrate/,
      );
    });

    it('leaves no migration pending and a second migrate applies nothing', async () => {
      expect(await store.pendingMigrations()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
    });

    it('matches the entity metadata exactly (the schema diff has nothing to do)', async () => {
      const diff = await store.dataSource.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((query) => query.query)).toEqual([]);
    });

    it('reverts to an empty schema and migrates up again', async () => {
      const all = STORE_MIGRATIONS.map((migration) => new migration().name);
      for (let reverted = 0; reverted < all.length; reverted += 1) {
        expect(await revertLastStoreMigration(store.dataSource)).toBe(true);
      }
      expect(await revertLastStoreMigration(store.dataSource)).toBe(false);
      expect(await store.pendingMigrations()).toEqual(all);
      const runner = store.dataSource.createQueryRunner();
      try {
        expect(await runner.hasTable('deliveries')).toBe(false);
      } finally {
        await runner.release();
      }
      expect(await store.migrate()).toEqual(all);
      const diff = await store.dataSource.driver.createSchemaBuilder().log();
      expect(diff.upQueries).toEqual([]);
    });

    it('stores timestamps as UTC wall-clock time and reads them back unchanged', async () => {
      const at = new Date('2024-03-10T07:08:09.123Z');
      const fixed = new PublisherStore(store.dataSource, new KeyCipher(key), () => at);
      const run = await fixed.runs.create({ source: 'utc', mode: 'full', trigger: 'cli' });
      expect(
        await rawTimestamp(
          store.dataSource.manager,
          store.dataSource.storeDriver,
          'sync_runs',
          'created_at',
          run.id,
        ),
      ).toBe('2024-03-10 07:08:09.123');
      const read = await store.runs.get(run.id);
      expect(read?.createdAt.toISOString()).toBe('2024-03-10T07:08:09.123Z');
    });
  });

  describe('sync runs', () => {
    it('moves queued -> running once and finishes once', async () => {
      const run = await store.runs.create({ source: unique('sis'), mode: 'incremental', trigger: 'cron' });
      expect(run).toMatchObject({ status: 'queued', learnersSeen: 0, problemCount: 0, startedAt: null });
      expect(await store.runs.start(run.id)).toBe(true);
      expect(await store.runs.start(run.id)).toBe(false);
      expect(await store.runs.finish(run.id, 'failed', { error: 'SIS unreachable' })).toBe(true);
      expect(await store.runs.finish(run.id, 'succeeded')).toBe(false);
      const finished = await store.runs.get(run.id);
      expect(finished).toMatchObject({ status: 'failed', error: 'SIS unreachable' });
      expect(finished?.startedAt).toBeInstanceOf(Date);
      expect(finished?.finishedAt).toBeInstanceOf(Date);
    });

    it('loses no increment when many jobs add progress at once, from two connections', async () => {
      const run = await store.runs.create({ source: unique('sis'), mode: 'full', trigger: 'operator' });
      const other = await secondStore();
      try {
        const calls = Array.from({ length: 40 }, (_, index) =>
          (index % 2 === 0 ? store : other).runs.addProgress(run.id, {
            learnersSeen: 1,
            assertionsSigned: 2,
            learnersBuilt: index % 3 === 0 ? 1 : 0,
          }),
        );
        expect(await Promise.all(calls)).toEqual(Array.from({ length: 40 }, () => true));
      } finally {
        await other.close();
      }
      expect(await store.runs.get(run.id)).toMatchObject({
        learnersSeen: 40,
        assertionsSigned: 80,
        learnersBuilt: 14,
      });
    });

    it('rejects bad counters and reports an unknown run', async () => {
      const run = await store.runs.create({ source: unique('sis'), mode: 'full', trigger: 'cli' });
      await expectStoreError(
        store.runs.addProgress(run.id, { learnersSeen: -1 }),
        'INVALID_ARGUMENT',
        /learnersSeen/,
      );
      await expectStoreError(
        store.runs.addProgress(run.id, { learnersSeen: 1.5 }),
        'INVALID_ARGUMENT',
        /learnersSeen/,
      );
      await expectStoreError(
        store.runs.addProgress(run.id, { bogus: 1 } as never),
        'INVALID_ARGUMENT',
        /counter must be one of/,
      );
      expect(await store.runs.addProgress('00000000-0000-0000-0000-000000000000', { learnersSeen: 1 })).toBe(
        false,
      );
      await expectStoreError(
        store.runs.create({ source: 'x', mode: 'weekly' as never, trigger: 'cli' }),
        'INVALID_ARGUMENT',
        /mode must be one of full, incremental/,
      );
    });

    it('appends problems in batches, counts them and pages through them', async () => {
      const run = await store.runs.create({ source: unique('sis'), mode: 'full', trigger: 'cli' });
      const problems = Array.from({ length: 450 }, (_, index) => ({
        recordSet: 'clr_course_grades',
        key: `G${index}`,
        reason: index === 0 ? 'x'.repeat(5000) : 'unknown letter grade',
        effect: 'skipped',
        learnerRef: index % 2 === 0 ? 'ref-a' : null,
      }));
      expect(await store.runs.appendProblems(run.id, problems)).toBe(450);
      expect((await store.runs.get(run.id))?.problemCount).toBe(450);
      const first = await store.runs.listProblems(run.id, { limit: 300 });
      const rest = await store.runs.listProblems(run.id, { afterId: first[first.length - 1].id, limit: 300 });
      expect(first).toHaveLength(300);
      expect(rest).toHaveLength(150);
      expect([...first, ...rest].map((problem) => problem.recordKey)).toEqual(
        problems.map((problem) => problem.key),
      );
      expect(first[0].reason).toHaveLength(1000);
      await expectStoreError(
        store.runs.appendProblems('00000000-0000-0000-0000-000000000000', problems.slice(0, 1)),
        'NOT_FOUND',
        /run 0{8}-/,
      );
      await expectStoreError(
        store.runs.appendProblems(run.id, [{ recordSet: 'clr_degrees', key: '', reason: 'r' }]),
        'INVALID_ARGUMENT',
        /problems\[0\]\.key/,
      );
      // A key as long as a garbage SIS id is clipped, never refused: the problem is still told.
      await store.runs.appendProblems(run.id, [
        { recordSet: 'clr_degrees', key: 'K'.repeat(600), reason: 'r' },
      ]);
      const clipped = (await store.runs.listProblems(run.id, { limit: 1000 })).at(-1)!;
      expect(clipped.recordKey).toBe(`${'K'.repeat(254)}…`);
    });

    it('commits pending watermarks only when the run succeeds', async () => {
      const source = unique('sis');
      const failed = await store.runs.create({ source, mode: 'incremental', trigger: 'cron' });
      await store.runs.start(failed.id);
      expect(await store.runs.setPendingWatermarks(failed.id, { clr_learners: '2024-01-01T00:00:00Z' })).toBe(
        true,
      );
      await store.runs.finish(failed.id, 'failed', { error: 'boom' });
      expect(await store.watermarks.list(source)).toEqual([]);
      expect(await store.runs.setPendingWatermarks(failed.id, { clr_learners: 'x' })).toBe(false);

      await store.watermarks.commit(source, 'clr_degrees', '2023-12-31T00:00:00Z');
      const ok = await store.runs.create({ source, mode: 'incremental', trigger: 'cron' });
      await store.runs.start(ok.id);
      await store.runs.setPendingWatermarks(ok.id, {
        clr_learners: '2024-02-01T00:00:00Z',
        clr_degrees: '2024-02-02T00:00:00Z',
      });
      expect(await store.runs.finish(ok.id, 'succeeded')).toBe(true);
      const marks = await store.watermarks.list(source);
      expect(marks.map((mark) => [mark.recordSet, mark.value, mark.runId])).toEqual([
        ['clr_degrees', '2024-02-02T00:00:00Z', ok.id],
        ['clr_learners', '2024-02-01T00:00:00Z', ok.id],
      ]);
      expect(await store.watermarks.reset(source, 'clr_degrees')).toBe(1);
      expect(await store.watermarks.get(source, 'clr_degrees')).toBeNull();
    });

    it('finds the active run of a source and lists runs newest first', async () => {
      const source = unique('sis');
      expect(await store.runs.findActive(source)).toBeNull();
      // A clock a second apart per call, so "oldest" is not decided by a random id tie-break.
      let tick = Date.now();
      const stepping = new PublisherStore(
        store.dataSource,
        new KeyCipher(key),
        () => new Date((tick += 1000)),
      );
      const first = await stepping.runs.create({ source, mode: 'full', trigger: 'cron' });
      const second = await stepping.runs.create({
        source,
        mode: 'incremental',
        trigger: 'operator',
        requestedBy: 'registrar',
      });
      expect((await store.runs.findActive(source))?.id).toBe(first.id);
      await store.runs.finish(first.id, 'cancelled');
      expect((await store.runs.findActive(source))?.id).toBe(second.id);
      const listed = await store.runs.list({ source });
      expect(listed.map((run) => run.id).sort()).toEqual([first.id, second.id].sort());
      expect((await store.runs.list({ source, status: 'cancelled' })).map((run) => run.id)).toEqual([
        first.id,
      ]);
      expect((await store.runs.list({ source, mode: 'full' })).map((run) => run.id)).toEqual([first.id]);
      expect(
        (await store.runs.list({ source, mode: ['incremental', 'republish'], limit: 1 })).map(
          (run) => run.id,
        ),
      ).toEqual([second.id]);
    });
  });

  describe('CLR versions', () => {
    const versionInput = (
      learnerRef: string,
      version: number,
      extra: Partial<Parameters<StoreRepositories['versions']['storeVersion']>[0]> = {},
    ) => ({
      learnerRef,
      learnerId: 'S-000123',
      version,
      contentHash: `hash-${version}`,
      clrId: `https://pub.example.edu/ims/clr/v1p0/clrs/${learnerRef}`,
      signedPayload: 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      unsignedJson: JSON.stringify({ version }),
      issuedOn: new Date('2024-05-01T12:00:00.000Z'),
      keyId: 'k1',
      ...extra,
    });

    it("lists for reconciling a source's learners with an active assertion or a latest CLR not revoked", async () => {
      const source = unique('recon-src');
      const other = unique('recon-other');
      const [ownRun, otherRun] = [
        await store.runs.create({ source, mode: 'full', trigger: 'cli' }),
        await store.runs.create({ source: other, mode: 'full', trigger: 'cli' }),
      ];
      const ref = (name: string) => unique(`recon-${name}`);
      const [active, published, removed, revokedOnly, moved, noRun, renamed, renamedRemoved] = [
        ref('a'),
        ref('b'),
        ref('c'),
        ref('d'),
        ref('e'),
        ref('f'),
        ref('g'),
        ref('h'),
      ];
      const mine = new Set([active, published, removed, revokedOnly, moved, noRun, renamed, renamedRemoved]);
      const clrOf = (learnerRef: string, version = 1) => `${versionInput(learnerRef, 1).clrId}/v${version}`;
      const put = (learnerRef: string, version: number, runId: string | null) =>
        store.versions.storeVersion(
          versionInput(learnerRef, version, {
            learnerId: `id-${learnerRef}`,
            runId,
            clrId: clrOf(learnerRef, version),
          }),
        );
      for (const learnerRef of [active, published, removed, revokedOnly, renamed, renamedRemoved])
        await put(learnerRef, 1, ownRun.id);
      await put(moved, 1, ownRun.id);
      await put(moved, 2, otherRun.id); // its latest version is the other source's
      await put(noRun, 1, null); // an operator republish outside a run
      const assertion = (learnerRef: string) => ({
        assertionId: `https://pub.example.edu/ims/clr/v1p0/assertions/${learnerRef}`,
        sourceKind: 'course_grade',
        sourceKey: 'G1',
        achievementId: 'https://pub.example.edu/ims/clr/v1p0/achievements/C1',
      });
      const issuerId = 'https://pub.example.edu/ims/clr/v1p0/profiles/institution';
      const revokeAll = async (learnerRef: string) => {
        await store.ledger.upsertActive(learnerRef, 1, [assertion(learnerRef)]);
        await store.ledger.revokeVanished(learnerRef, [], { reason: 'the learner left', issuerId });
      };
      // Active assertion and revoked CLR: still listed (its assertions are not revoked yet).
      await store.ledger.upsertActive(active, 1, [assertion(active)]);
      await store.revocations.add(issuerId, clrOf(active), 'the learner left');
      // `published`: neither assertions nor revocations, its CLR is still out there: listed.
      // Every assertion revoked and the CLR revoked: the removal is recorded, it is not listed.
      await revokeAll(removed);
      await store.revocations.add(issuerId, clrOf(removed), 'the learner left');
      // Assertions revoked, CLR not: listed, so a full run can record the CLR's removal too.
      await revokeAll(revokedOnly);
      // Only the latest version's CLR counts: an older id revoked does not stop the listing, an
      // older id not revoked does not keep a recorded removal listed.
      await revokeAll(renamed);
      await store.revocations.add(issuerId, clrOf(renamed, 1), 'the learner left');
      await put(renamed, 2, ownRun.id);
      await revokeAll(renamedRemoved);
      await put(renamedRemoved, 2, ownRun.id);
      await store.revocations.add(issuerId, clrOf(renamedRemoved, 2), 'the learner left');

      const listed = async (asked: string, defaultSource: boolean): Promise<string[]> => {
        const found: string[] = [];
        for (let afterRef: string | undefined; ;) {
          const page = await store.versions.listLearnersToReconcile({
            source: asked,
            defaultSource,
            afterRef,
            limit: 3,
          });
          if (page.length === 0) break;
          for (const row of page) {
            if (!mine.has(row.learnerRef)) continue;
            expect(row.learnerId).toBe(`id-${row.learnerRef}`);
            found.push(row.learnerRef);
          }
          afterRef = page[page.length - 1].learnerRef;
        }
        return found;
      };
      expect(await listed(source, false)).toEqual([active, published, revokedOnly, renamed].sort());
      expect(await listed(source, true)).toEqual([active, published, revokedOnly, noRun, renamed].sort());
      expect(await listed(other, false)).toEqual([moved]);
      await expectStoreError(
        store.versions.listLearnersToReconcile({ source: '', defaultSource: true }),
        'INVALID_ARGUMENT',
        /source/,
      );
    });

    it('stores numbered versions and refuses stale or skipped numbers', async () => {
      const ref = unique('learner');
      expect(await store.versions.latestVersion(ref)).toBeNull();
      const v1 = await store.versions.storeVersion(versionInput(ref, 1));
      expect((await store.versions.latestVersion(ref))?.id).toBe(v1.id);
      await expectStoreError(
        store.versions.storeVersion(versionInput(ref, 1)),
        'VERSION_CONFLICT',
        /version 1.*latest stored is 1/,
      );
      await expectStoreError(
        store.versions.storeVersion(versionInput(ref, 3)),
        'VERSION_CONFLICT',
        /version 3.*latest stored is 1/,
      );
      const v2 = await store.versions.storeVersion(versionInput(ref, 2, { signedPayload: null }));
      const latest = await store.versions.latestVersion(ref);
      expect(latest).toMatchObject({ id: v2.id, version: 2, signedPayload: null, learnerId: 'S-000123' });
      expect(latest?.issuedOn.toISOString()).toBe('2024-05-01T12:00:00.000Z');
      expect((await store.versions.listVersions(ref)).map((version) => version.version)).toEqual([2, 1]);
      expect(await store.versions.learnerIdOf(ref)).toBe('S-000123');
      expect(await store.versions.learnerIdOf(unique('nobody'))).toBeNull();
      expect((await store.versions.latestByClrId(v1.clrId))?.version).toBe(2);
    });

    it('lets exactly one of two concurrent writers store the same version number', async () => {
      const ref = unique('learner');
      const other = await secondStore();
      try {
        const outcome = await settle([
          store.versions.storeVersion(versionInput(ref, 1, { contentHash: 'a' })),
          other.versions.storeVersion(versionInput(ref, 1, { contentHash: 'b' })),
        ]);
        expect(outcome.others).toEqual([]);
        expect(outcome.values).toHaveLength(1);
        expect(outcome.codes).toEqual(['VERSION_CONFLICT']);
      } finally {
        await other.close();
      }
      const versions = await store.versions.listVersions(ref);
      expect(versions).toHaveLength(1);
    });

    it('keeps large Unicode documents intact', async () => {
      const ref = unique('learner');
      const big = JSON.stringify({ name: 'Zoë Łukasiewicz 王小明 🎓', filler: 'é'.repeat(300_000) });
      await store.versions.storeVersion(versionInput(ref, 1, { unsignedJson: big, signedPayload: big }));
      const read = await store.versions.latestVersion(ref);
      expect(read?.unsignedJson).toBe(big);
      expect(read?.signedPayload).toBe(big);
    });

    it('reads only the document a payload form sends, and whether its CLR is revoked', async () => {
      const ref = unique('learner');
      const stored = await store.versions.storeVersion(
        versionInput(ref, 1, { unsignedJson: '{"id":"u"}', signedPayload: 'h.p.s' }),
      );
      expect(await store.versions.getPayload(stored.id, 'signedClr')).toEqual({
        id: stored.id,
        version: 1,
        signedPayload: 'h.p.s',
        clrRevoked: false,
      });
      expect(await store.versions.getPayload(stored.id, 'clr')).toEqual({
        id: stored.id,
        version: 1,
        unsignedJson: '{"id":"u"}',
        clrRevoked: false,
      });
      expect(await store.versions.getPayload(unique('missing'), 'clr')).toBeNull();
      await store.revocations.add(
        unique('https://pub.example.edu/issuers/x'),
        stored.clrId,
        'the learner left',
      );
      expect(await store.versions.getPayload(stored.id, 'signedClr')).toMatchObject({ clrRevoked: true });
    });

    it('pages through learners', async () => {
      const prefix = unique('page');
      for (const suffix of ['a', 'b', 'c'])
        await store.versions.storeVersion(versionInput(`${prefix}-${suffix}`, 1));
      await store.versions.storeVersion(versionInput(`${prefix}-b`, 2));
      const all = [];
      let afterRef: string | undefined = `${prefix}-`;
      for (;;) {
        const page = await store.versions.listLearners({ afterRef, limit: 2 });
        const mine = page.filter((row) => row.learnerRef.startsWith(prefix));
        all.push(...mine);
        if (page.length < 2 || mine.length < page.length) break;
        afterRef = page[page.length - 1].learnerRef;
      }
      expect(all).toEqual([
        { learnerRef: `${prefix}-a`, latestVersion: 1 },
        { learnerRef: `${prefix}-b`, latestVersion: 2 },
        { learnerRef: `${prefix}-c`, latestVersion: 1 },
      ]);
    });

    it('names each published learner with the SIS id and source of the latest version', async () => {
      const prefix = unique('published');
      const runA = await store.runs.create({ source: 'sis-a', mode: 'full', trigger: 'cli' });
      const runB = await store.runs.create({ source: 'sis-b', mode: 'full', trigger: 'cli' });
      await store.versions.storeVersion(versionInput(`${prefix}-a`, 1, { learnerId: 'S-1', runId: runA.id }));
      await store.versions.storeVersion(versionInput(`${prefix}-a`, 2, { learnerId: 'S-1', runId: runB.id }));
      await store.versions.storeVersion(versionInput(`${prefix}-b`, 1, { learnerId: 'S-2', runId: runA.id }));
      await store.versions.storeVersion(versionInput(`${prefix}-c`, 1, { learnerId: 'S-3', runId: null }));
      const byRefs = await store.versions.publishedLearners({
        learnerRefs: [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`, unique('nobody')],
      });
      expect(byRefs.sort((x, y) => x.learnerRef.localeCompare(y.learnerRef))).toEqual([
        { learnerRef: `${prefix}-a`, learnerId: 'S-1', source: 'sis-b' },
        { learnerRef: `${prefix}-b`, learnerId: 'S-2', source: 'sis-a' },
        { learnerRef: `${prefix}-c`, learnerId: 'S-3', source: null },
      ]);
      const page = await store.versions.publishedLearners({ afterRef: `${prefix}-a`, limit: 1 });
      expect(page).toEqual([{ learnerRef: `${prefix}-b`, learnerId: 'S-2', source: 'sis-a' }]);
    });

    it('pages the latest version of every unrevoked CLR, oldest issuedOn first, with the total', async () => {
      // Issued in 2091 so the rows of the other cases (2024) stay out of the `since` window.
      const prefix = unique('latest');
      const at = (second: number): Date => new Date(`2091-01-01T00:00:0${second}.000Z`);
      await store.versions.storeVersion(versionInput(`${prefix}-a`, 1, { issuedOn: at(1) }));
      await store.versions.storeVersion(versionInput(`${prefix}-b`, 1, { issuedOn: at(2) }));
      await store.versions.storeVersion(versionInput(`${prefix}-c`, 1, { issuedOn: at(3) }));
      await store.versions.storeVersion(versionInput(`${prefix}-b`, 2, { issuedOn: at(4) }));
      const revoked = await store.versions.storeVersion(versionInput(`${prefix}-d`, 1, { issuedOn: at(5) }));
      await store.revocations.add('https://pub.example.edu/profiles/institution', revoked.clrId, 'withdrawn');
      const since = new Date('2091-01-01T00:00:00.000Z');
      const page = async (query: { since?: Date; offset: number; limit: number }) => {
        const result = await store.versions.pageLatest(query);
        return {
          total: result.total,
          rows: result.versions.map((row) => `${row.learnerRef}@${row.version}`),
        };
      };
      const name = (suffix: string, version: number): string => `${prefix}-${suffix}@${version}`;
      expect(await page({ since, offset: 0, limit: 2 })).toEqual({
        total: 3,
        rows: [name('a', 1), name('c', 1)],
      });
      expect(await page({ since, offset: 2, limit: 2 })).toEqual({ total: 3, rows: [name('b', 2)] });
      expect(await page({ since, offset: 3, limit: 2 })).toEqual({ total: 3, rows: [] });
      expect(await page({ since: at(3), offset: 0, limit: 10 })).toEqual({ total: 1, rows: [name('b', 2)] });
      const first = (await store.versions.pageLatest({ since, offset: 0, limit: 1 })).versions[0];
      expect(first.unsignedJson).toBe(JSON.stringify({ version: 1 }));
      expect(first.issuedOn.toISOString()).toBe('2091-01-01T00:00:01.000Z');
      expect((await store.versions.pageLatest({ offset: 0, limit: 1 })).total).toBeGreaterThanOrEqual(3);
      await expectStoreError(store.versions.pageLatest({ offset: 0, limit: 0 }), 'INVALID_ARGUMENT', /limit/);
      await expectStoreError(
        store.versions.pageLatest({ offset: -1, limit: 5 }),
        'INVALID_ARGUMENT',
        /offset/,
      );
    });
  });

  describe('assertion ledger and revocations', () => {
    const issuer = 'https://pub.example.edu/ims/clr/v1p0/issuers/main';
    const entry = (ref: string, n: number) => ({
      assertionId: `https://pub.example.edu/ims/clr/v1p0/assertions/${ref}-${n}`,
      sourceKind: 'course_grade',
      sourceKey: `G${n}`,
      achievementId: `https://pub.example.edu/ims/clr/v1p0/achievements/C${n}`,
    });

    it('records assertions per version and revokes the vanished ones onto the revocation list', async () => {
      const ref = unique('learner');
      const [a, b, c] = [entry(ref, 1), entry(ref, 2), entry(ref, 3)];
      expect(await store.ledger.upsertActive(ref, 1, [a, b, c])).toEqual({
        inserted: [a.assertionId, b.assertionId, c.assertionId],
        reactivated: [],
        kept: [],
        withheld: [],
      });
      expect(await store.ledger.upsertActive(ref, 2, [a, b])).toEqual({
        inserted: [],
        reactivated: [],
        kept: [a.assertionId, b.assertionId],
        withheld: [],
      });
      const revoked = await store.ledger.revokeVanished(ref, [a.assertionId, b.assertionId], {
        reason: 'grade row deleted in the SIS',
        issuerId: issuer,
      });
      expect(revoked.map((row) => row.assertionId)).toEqual([c.assertionId]);
      expect(revoked[0]).toMatchObject({
        status: 'revoked',
        revocationReason: 'grade row deleted in the SIS',
        lastVersion: 1,
      });
      expect(revoked[0].revokedAt).toBeInstanceOf(Date);
      expect(await store.revocations.isRevoked(c.assertionId, issuer)).toBe(true);
      expect(await store.revocations.isRevoked(a.assertionId)).toBe(false);
      const kept = await store.ledger.get(a.assertionId);
      expect(kept).toMatchObject({ status: 'active', firstVersion: 1, lastVersion: 2 });
      expect(
        await store.ledger.revokeVanished(ref, [a.assertionId, b.assertionId], {
          reason: 'again',
          issuerId: issuer,
        }),
      ).toEqual([]);
      expect((await store.ledger.listForLearner(ref, 'active')).map((row) => row.assertionId)).toEqual([
        a.assertionId,
        b.assertionId,
      ]);
    });

    it('reports an assertion that comes back after revocation', async () => {
      const ref = unique('learner');
      const a = entry(ref, 1);
      await store.ledger.upsertActive(ref, 1, [a]);
      expect(await store.ledger.revoke(a.assertionId, { reason: 'operator', issuerId: issuer })).toBe(true);
      expect(await store.ledger.revoke(a.assertionId, { reason: 'operator', issuerId: issuer })).toBe(false);
      expect(await store.ledger.upsertActive(ref, 2, [a])).toEqual({
        inserted: [],
        reactivated: [a.assertionId],
        kept: [],
        withheld: [],
      });
      expect(await store.ledger.get(a.assertionId)).toMatchObject({
        status: 'active',
        revokedAt: null,
        revocationReason: null,
        lastVersion: 2,
      });
      expect(
        await store.ledger.revoke(unique('https://nowhere/assertion'), { reason: 'x', issuerId: issuer }),
      ).toBe(false);
    });

    it('keeps an operator revocation across builds until an operator reinstates it', async () => {
      const ref = unique('learner');
      const [a, b] = [entry(ref, 1), entry(ref, 2)];
      await store.ledger.upsertActive(ref, 1, [a, b]);
      const revoked = await store.ledger.revokeByOperator(a.assertionId, {
        reason: 'issued in error',
        issuerId: issuer,
      });
      expect(revoked).toMatchObject({
        status: 'revoked',
        entry: { status: 'revoked', revokedBy: 'operator', revocationReason: 'issued in error' },
      });
      expect(await store.revocations.isRevoked(a.assertionId, issuer)).toBe(true);
      expect(
        await store.ledger.revokeByOperator(a.assertionId, { reason: 'again', issuerId: issuer }),
      ).toMatchObject({ status: 'already-revoked', entry: { revocationReason: 'issued in error' } });
      // The SIS row still exists, so the next build asserts it again: the operator's revocation wins.
      expect(await store.ledger.upsertActive(ref, 2, [a, b])).toEqual({
        inserted: [],
        reactivated: [],
        kept: [b.assertionId],
        withheld: [a.assertionId],
      });
      expect(await store.ledger.get(a.assertionId)).toMatchObject({
        status: 'revoked',
        revokedBy: 'operator',
        lastVersion: 1,
      });
      expect(await store.ledger.withheldFor([ref, unique('nobody')])).toEqual(
        new Map([[ref, new Set([a.assertionId])]]),
      );
      expect(
        await store.ledger.revokeVanished(ref, [b.assertionId], { reason: 'vanished', issuerId: issuer }),
      ).toEqual([]);

      expect(await store.ledger.reinstate(a.assertionId)).toMatchObject({
        status: 'reinstated',
        entry: { status: 'active', revokedBy: null, revocationReason: null, revokedAt: null },
      });
      expect(await store.revocations.isRevoked(a.assertionId)).toBe(false);
      expect(await store.ledger.withheldFor([ref])).toEqual(new Map());
      expect(await store.ledger.reinstate(a.assertionId)).toMatchObject({ status: 'not-revoked' });
      expect(await store.ledger.reinstate(unique('https://nowhere/assertion'))).toEqual({
        status: 'not-found',
      });
      expect(
        await store.ledger.revokeByOperator(unique('https://nowhere/assertion'), {
          reason: 'x',
          issuerId: issuer,
        }),
      ).toEqual({ status: 'not-found' });
    });

    it('lets an operator take over a build revocation, which a build then no longer undoes', async () => {
      const ref = unique('learner');
      const a = entry(ref, 1);
      await store.ledger.upsertActive(ref, 1, [a]);
      await store.ledger.revokeVanished(ref, [], { reason: 'grade row deleted', issuerId: issuer });
      expect(await store.ledger.get(a.assertionId)).toMatchObject({ status: 'revoked', revokedBy: 'build' });
      expect(await store.ledger.reinstate(a.assertionId)).toMatchObject({
        status: 'revoked-by-build',
        entry: { status: 'revoked' },
      });
      expect(
        await store.ledger.revokeByOperator(a.assertionId, { reason: 'fraud review', issuerId: issuer }),
      ).toMatchObject({
        status: 'taken-over',
        entry: { status: 'revoked', revokedBy: 'operator', revocationReason: 'fraud review' },
      });
      expect(await store.revocations.listByIssuer(issuer)).toEqual(
        expect.arrayContaining([expect.objectContaining({ revokedId: a.assertionId })]),
      );
      expect(await store.ledger.upsertActive(ref, 2, [a])).toMatchObject({
        reactivated: [],
        withheld: [a.assertionId],
      });
    });

    it('finds the learners holding an achievement', async () => {
      const achievementId = unique('https://pub.example.edu/ims/clr/v1p0/achievements/x');
      const holding = (ref: string, n: number) => ({ ...entry(ref, n), achievementId });
      const [r1, r2, r3] = [unique('l1'), unique('l2'), unique('l3')].sort();
      await store.ledger.upsertActive(r1, 1, [holding(r1, 1), holding(r1, 2)]);
      await store.ledger.upsertActive(r2, 1, [holding(r2, 1)]);
      await store.ledger.upsertActive(r3, 1, [holding(r3, 1)]);
      await store.ledger.revokeVanished(r3, [], { reason: 'gone', issuerId: issuer });
      expect(await store.ledger.learnersHolding(achievementId)).toEqual([r1, r2]);
      expect(await store.ledger.learnersHolding(achievementId, { afterRef: r1, limit: 5 })).toEqual([r2]);
      expect(await store.ledger.learnersHolding(achievementId, { status: 'revoked' })).toEqual([r3]);
      expect(await store.ledger.knowsAchievement(achievementId)).toBe(true);
      expect(await store.ledger.knowsAchievement(unique('https://nowhere/achievement'))).toBe(false);
      const holder = await store.ledger.activeHolder(achievementId);
      expect([r1, r2]).toContain(holder?.learnerRef);
      expect(holder?.lastVersion).toBe(1);
      await store.ledger.revokeVanished(r1, [], { reason: 'gone', issuerId: issuer });
      await store.ledger.revokeVanished(r2, [], { reason: 'gone', issuerId: issuer });
      expect(await store.ledger.activeHolder(achievementId)).toBeNull();
    });

    it('keeps one entry per issuer and object, in the order they were revoked', async () => {
      const issuerId = unique('https://pub.example.edu/issuers/x');
      expect(await store.revocations.add(issuerId, 'urn:a', 'first')).toBe(true);
      expect(await store.revocations.add(issuerId, 'urn:a', 'second')).toBe(false);
      expect(
        await store.revocations.addMany(issuerId, [
          { revokedId: 'urn:b' },
          { revokedId: 'urn:a' },
          { revokedId: 'urn:c', reason: 'r' },
        ]),
      ).toBe(2);
      const list = await store.revocations.listByIssuer(issuerId);
      expect(list.map((row) => [row.revokedId, row.reason])).toEqual([
        ['urn:a', 'first'],
        ['urn:b', null],
        ['urn:c', 'r'],
      ]);
      expect(await store.revocations.listByIssuer(unique('https://other'))).toEqual([]);
      expect(await store.revocations.remove(issuerId, 'urn:b')).toBe(true);
      expect(await store.revocations.remove(issuerId, 'urn:b')).toBe(false);
      await expectStoreError(store.revocations.add(issuerId, ''), 'INVALID_ARGUMENT', /revokedId/);
    });

    it("finds which objects are on an issuer's list, and takes one off only for its own reason", async () => {
      const issuerId = unique('https://pub.example.edu/issuers/x');
      const otherIssuer = unique('https://pub.example.edu/issuers/y');
      await store.revocations.add(issuerId, 'urn:removed', 'the learner left');
      await store.revocations.add(issuerId, 'urn:operator', 'issued in error');
      await store.revocations.add(otherIssuer, 'urn:elsewhere', 'the learner left');
      const asked = ['urn:removed', 'urn:operator', 'urn:elsewhere', 'urn:never', 'urn:removed'];
      expect(await store.revocations.revokedAmong(issuerId, asked)).toEqual(
        new Set(['urn:removed', 'urn:operator']),
      );
      expect(await store.revocations.revokedAmong(issuerId, asked, { reason: 'the learner left' })).toEqual(
        new Set(['urn:removed']),
      );
      expect(await store.revocations.revokedAmong(issuerId, [])).toEqual(new Set());

      expect(await store.revocations.removeIfReason(issuerId, 'urn:operator', 'the learner left')).toBe(
        false,
      );
      expect(await store.revocations.removeIfReason(otherIssuer, 'urn:removed', 'the learner left')).toBe(
        false,
      );
      expect(await store.revocations.removeIfReason(issuerId, 'urn:removed', 'the learner left')).toBe(true);
      expect(await store.revocations.removeIfReason(issuerId, 'urn:removed', 'the learner left')).toBe(false);
      expect((await store.revocations.listByIssuer(issuerId)).map((row) => row.revokedId)).toEqual([
        'urn:operator',
      ]);
    });
  });

  describe('signing keys', () => {
    const pairs = [rsaKeyPair(), rsaKeyPair(), rsaKeyPair(), rsaKeyPair(), rsaKeyPair()];

    it('has no active key before the first rotation', async () => {
      expect(await store.keys.activeKey()).toBeNull();
      await expectStoreError(store.keys.activeSigningKey(), 'NO_ACTIVE_KEY', /keys rotate/);
    });

    it('rotates in one step, keeps retired keys and decrypts private keys', async () => {
      const first = await store.keys.rotateKey({ kid: 'k1', ...pairs[0] });
      expect(first.retired).toEqual([]);
      const second = await store.keys.rotateKey({ kid: 'k2', ...pairs[1] });
      expect(second.retired).toEqual(['k1']);
      expect((await store.keys.activeKey())?.kid).toBe('k2');
      const active = await store.keys.activeSigningKey();
      expect(active).toEqual({
        kid: 'k2',
        algorithm: 'RS256',
        publicPem: pairs[1].publicPem,
        privateKeyPem: pairs[1].privateKeyPem,
      });
      const keys = await store.keys.listKeys();
      expect(keys.map((k) => [k.kid, k.status])).toEqual(
        expect.arrayContaining([
          ['k1', 'retired'],
          ['k2', 'active'],
        ]),
      );
      expect(keys.find((k) => k.kid === 'k1')?.retiredAt).toBeInstanceOf(Date);
      expect(await store.keys.privateKeyPem('k1')).toBe(pairs[0].privateKeyPem);
      expect(keys.every((k) => !k.privateKeyEnc.includes('PRIVATE KEY'))).toBe(true);
      await expectStoreError(store.keys.privateKeyPem('nope'), 'NOT_FOUND', /nope/);
    });

    it('refuses a duplicate kid, the reserved kid and a mismatched pair', async () => {
      await expectStoreError(
        store.keys.rotateKey({ kid: 'k1', ...pairs[2] }),
        'DUPLICATE',
        /k1 already exists/,
      );
      await expectStoreError(
        store.keys.rotateKey({ kid: 'active', ...pairs[2] }),
        'INVALID_ARGUMENT',
        /reserved/,
      );
      await expectStoreError(
        store.keys.rotateKey({
          kid: 'k9',
          publicPem: pairs[2].publicPem,
          privateKeyPem: pairs[3].privateKeyPem,
        }),
        'INVALID_ARGUMENT',
        /does not belong/,
      );
      await expectStoreError(
        store.keys.rotateKey({ kid: 'k9', publicPem: 'not a key', privateKeyPem: pairs[3].privateKeyPem }),
        'INVALID_ARGUMENT',
        /publicPem/,
      );
      expect((await store.keys.activeKey())?.kid).toBe('k2');
    });

    it('fails clearly under a wrong master key', async () => {
      const wrong = await secondStore({ masterKey: masterKey() });
      try {
        const error: unknown = await wrong.keys.activeSigningKey().catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(KeyCipherError);
        expect((error as KeyCipherError).code).toBe('WRONG_MASTER_KEY');
        expect((error as KeyCipherError).message).toMatch(/signing-key:k2.*master key/);
        // Rotating under it would seal the new key for another store: refused, nothing changed.
        await expectStoreError(
          wrong.keys.rotateKey({
            kid: 'k-wrong',
            publicPem: pairs[4].publicPem,
            privateKeyPem: pairs[4].privateKeyPem,
          }),
          'WRONG_MASTER_KEY',
          /does not decrypt the active signing key k2/,
        );
        expect((await store.keys.activeKey())?.kid).toBe('k2');
        expect(await store.keys.findKey('k-wrong')).toBeNull();
      } finally {
        await wrong.close();
      }
    });

    it('keeps exactly one active key when rotations race', async () => {
      const other = await secondStore();
      try {
        const outcome = await settle([
          store.keys.rotateKey({ kid: 'race-a', ...pairs[2] }),
          other.keys.rotateKey({ kid: 'race-b', ...pairs[3] }),
        ]);
        expect(outcome.others).toEqual([]);
        expect(outcome.values.length).toBeGreaterThanOrEqual(1);
        expect(outcome.codes.every((code) => code === 'KEY_ROTATION_CONFLICT')).toBe(true);
      } finally {
        await other.close();
      }
      const keys = await store.keys.listKeys();
      expect(keys.filter((k) => k.status === 'active')).toHaveLength(1);
      expect(['race-a', 'race-b']).toContain((await store.keys.activeKey())?.kid);
    });
  });

  describe('delivery targets', () => {
    const target = (
      name: string,
      extra: Partial<Parameters<StoreRepositories['targets']['upsert']>[0]> = {},
    ) => ({
      name,
      baseUrl: 'https://provider.example.org',
      authMode: 'client_credentials' as const,
      clientId: 'client-1',
      clientSecret: 's3cret',
      scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      payloadForm: 'signedClr' as const,
      concurrency: 4,
      ratePerSecond: 2.5,
      timeoutMs: 30_000,
      enabled: true,
      ...extra,
    });

    it('inserts by name, updates in place and keeps secrets encrypted', async () => {
      const name = unique('provider');
      const { target: created, created: isNew } = await store.targets.upsert(target(name));
      expect(isNew).toBe(true);
      expect(created.clientSecretEnc).not.toContain('s3cret');
      expect(store.targets.clientSecret(created)).toBe('s3cret');
      const { target: updated, created: again } = await store.targets.upsert(
        target(name, { clientSecret: undefined, concurrency: 8, enabled: false, ratePerSecond: 0.25 }),
      );
      expect(again).toBe(false);
      expect(updated).toMatchObject({
        id: created.id,
        concurrency: 8,
        enabled: false,
        ratePerSecond: 0.25,
        clientId: 'client-1',
      });
      expect(store.targets.clientSecret(updated)).toBe('s3cret');
      expect((await store.targets.list({ enabled: false })).map((t) => t.name)).toContain(name);
      expect(await store.targets.setEnabled(name, true)).toBe(true);
      expect((await store.targets.getByName(name))?.enabled).toBe(true);
      expect(await store.targets.setEnabled(unique('nobody'), true)).toBe(false);
    });

    it('records where a target came from, and deletes one that has no deliveries', async () => {
      const configured = unique('configured');
      const added = unique('added');
      expect((await store.targets.upsert(target(configured))).target.origin).toBe('config');
      const { target: runtime } = await store.targets.upsert(target(added, { origin: 'runtime' }));
      expect(runtime.origin).toBe('runtime');
      expect((await store.targets.getByName(added))?.origin).toBe('runtime');
      await expectStoreError(
        store.targets.upsert(target(unique('bad'), { origin: 'yaml' as never })),
        'INVALID_ARGUMENT',
        /origin/,
      );
      expect(await store.targets.delete(runtime.id)).toBe(true);
      expect(await store.targets.getByName(added)).toBeNull();
      expect(await store.targets.delete(runtime.id)).toBe(false);
    });

    it('keeps a dynamic registration and refuses malformed targets', async () => {
      const name = unique('dyn');
      const { target: created } = await store.targets.upsert(
        target(name, {
          authMode: 'dynamic_registration',
          clientId: undefined,
          clientSecret: undefined,
          discoveryUrl: 'https://p/discovery',
        }),
      );
      expect(created.clientId).toBeNull();
      await store.targets.saveRegistration(created.id, {
        clientId: 'dyn-client',
        clientSecret: 'dyn-secret',
        response: { client_id: 'dyn-client', client_secret: 'dyn-secret', scope: 'x' },
      });
      const reread = (await store.targets.get(created.id))!;
      expect(reread.clientId).toBe('dyn-client');
      expect(store.targets.clientSecret(reread)).toBe('dyn-secret');
      expect(store.targets.registration(reread)).toEqual({
        client_id: 'dyn-client',
        client_secret: 'dyn-secret',
        scope: 'x',
      });
      await expectStoreError(
        store.targets.saveRegistration('00000000-0000-0000-0000-000000000000', {
          clientId: 'c',
          response: {},
        }),
        'NOT_FOUND',
      );
      await expectStoreError(
        store.targets.upsert(target(unique('bad'), { scopes: [] })),
        'INVALID_ARGUMENT',
        /scopes must list/,
      );
      await expectStoreError(
        store.targets.upsert(target(unique('bad'), { payloadForm: 'xml' as never })),
        'INVALID_ARGUMENT',
        /payloadForm/,
      );
      await expectStoreError(
        store.targets.upsert(target(unique('bad'), { ratePerSecond: 0 })),
        'INVALID_ARGUMENT',
        /ratePerSecond/,
      );
    });
  });

  describe('deliveries', () => {
    let targetA: string;
    let targetB: string;

    beforeAll(async () => {
      const base = {
        baseUrl: 'https://provider.example.org',
        authMode: 'client_credentials' as const,
        scopes: ['s'],
        payloadForm: 'clr' as const,
        concurrency: 1,
        ratePerSecond: 1,
        timeoutMs: 1000,
        enabled: true,
      };
      targetA = (await store.targets.upsert({ ...base, name: unique('ta') })).target.id;
      targetB = (await store.targets.upsert({ ...base, name: unique('tb') })).target.id;
    });

    async function version(ref: string, number: number): Promise<string> {
      const stored = await store.versions.storeVersion({
        learnerRef: ref,
        learnerId: 'S-1',
        version: number,
        contentHash: `h${number}`,
        clrId: `urn:clr:${ref}`,
        unsignedJson: '{}',
        issuedOn: new Date(),
      });
      return stored.id;
    }

    it('creates one delivery per target, idempotently, even when creators race', async () => {
      const ref = unique('learner');
      const v1 = await version(ref, 1);
      const other = await secondStore();
      let results;
      try {
        results = await Promise.all([
          store.deliveries.createDeliveries(v1, [targetA, targetB]),
          other.deliveries.createDeliveries(v1, [targetB, targetA, targetA]),
        ]);
      } finally {
        await other.close();
      }
      const ids = (await store.deliveries.list({ learnerRef: ref })).map((d) => d.id).sort();
      expect(ids).toHaveLength(2);
      expect([...results[0].created, ...results[1].created].sort()).toEqual(ids);
      expect(results[0].deliveries.map((d) => d.targetId)).toEqual([targetA, targetB]);
      expect(results[1].deliveries.map((d) => d.targetId)).toEqual([targetB, targetA]);
      const again = await store.deliveries.createDeliveries(v1, [targetA]);
      expect(again.created).toEqual([]);
      expect(again.deliveries[0]).toMatchObject({
        status: 'pending',
        attempts: 0,
        versionNumber: 1,
        learnerRef: ref,
      });
      await expectStoreError(
        store.deliveries.createDeliveries(v1, ['nope']),
        'NOT_FOUND',
        /targets do not exist: nope/,
      );
      await expectStoreError(
        store.deliveries.createDeliveries('nope', [targetA]),
        'NOT_FOUND',
        /CLR version nope/,
      );
    });

    it('enforces unique (target, version) in the database itself', async () => {
      const ref = unique('learner');
      const v1 = await version(ref, 1);
      const [existing] = (await store.deliveries.createDeliveries(v1, [targetA])).deliveries;
      const error: unknown = await store.dataSource.manager
        .insert(DeliveryEntity, { ...existing, id: '11111111-1111-1111-1111-111111111111' })
        .catch((reason: unknown) => reason);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('lets exactly one of two concurrent claims win, and walks the state machine', async () => {
      const ref = unique('learner');
      const [delivery] = (await store.deliveries.createDeliveries(await version(ref, 1), [targetA]))
        .deliveries;
      const other = await secondStore();
      let claims;
      try {
        claims = await Promise.all([
          store.deliveries.claim(delivery.id),
          other.deliveries.claim(delivery.id),
        ]);
      } finally {
        await other.close();
      }
      const winners = claims.filter((claim) => claim !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ status: 'in_flight', attempts: 1 });
      expect(await store.deliveries.claim(delivery.id)).toBeNull();

      const retryAt = new Date(Date.now() + 60_000);
      expect(
        await store.deliveries.markRetrying(delivery.id, {
          httpStatus: 503,
          error: 'provider unavailable',
          nextAttemptAt: retryAt,
        }),
      ).toBe(true);
      expect(
        await store.deliveries.markRetrying(delivery.id, { error: 'twice', nextAttemptAt: retryAt }),
      ).toBe(false);
      const retrying = await store.deliveries.get(delivery.id);
      expect(retrying).toMatchObject({
        status: 'retrying',
        lastHttpStatus: 503,
        lastError: 'provider unavailable',
      });
      expect(retrying?.nextAttemptAt?.toISOString()).toBe(retryAt.toISOString());

      expect((await store.deliveries.claim(delivery.id))?.attempts).toBe(2);
      expect(
        await store.deliveries.markDelivered(delivery.id, {
          httpStatus: 200,
          imsxBody: '{"imsx_codeMajor":"success"}',
        }),
      ).toBe(true);
      expect(await store.deliveries.markDelivered(delivery.id, { httpStatus: 200 })).toBe(false);
      expect(await store.deliveries.claim(delivery.id)).toBeNull();
      const delivered = await store.deliveries.get(delivery.id);
      expect(delivered).toMatchObject({
        status: 'delivered',
        lastError: null,
        nextAttemptAt: null,
        imsxBody: '{"imsx_codeMajor":"success"}',
      });
      expect(delivered?.deliveredAt).toBeInstanceOf(Date);
    });

    it('rejects, kills and requeues only from the right states', async () => {
      const ref = unique('learner');
      const [a, b] = (await store.deliveries.createDeliveries(await version(ref, 1), [targetA, targetB]))
        .deliveries;
      expect(await store.deliveries.markRejected(a.id, { httpStatus: 400, error: 'bad request' })).toBe(
        false,
      );
      await store.deliveries.claim(a.id);
      expect(await store.deliveries.markRejected(a.id, { httpStatus: 400, error: 'bad request' })).toBe(true);
      expect((await store.deliveries.get(a.id))?.status).toBe('rejected');
      await store.deliveries.claim(b.id);
      await store.deliveries.markRetrying(b.id, { error: 'timeout', nextAttemptAt: new Date() });
      expect(await store.deliveries.markDead(b.id, { error: 'retries exhausted' })).toBe(true);
      expect(await store.deliveries.markDead(b.id, { error: 'again' })).toBe(false);
      expect(await store.deliveries.requeue(a.id)).toBe(true);
      expect(await store.deliveries.requeue(a.id)).toBe(false);
      expect((await store.deliveries.get(a.id))?.status).toBe('pending');
      await expectStoreError(
        store.deliveries.markDead(b.id, { error: '' }),
        'INVALID_ARGUMENT',
        /error text/,
      );
      await expectStoreError(
        store.deliveries.markRejected(a.id, { error: 'x', httpStatus: 42 }),
        'INVALID_ARGUMENT',
        /httpStatus/,
      );
    });

    it('reclaims an in-flight delivery only once its lease is stale', async () => {
      const ref = unique('learner');
      const [delivery] = (await store.deliveries.createDeliveries(await version(ref, 1), [targetA]))
        .deliveries;
      await store.deliveries.claim(delivery.id);
      expect(
        await store.deliveries.claim(delivery.id, { staleBefore: new Date(Date.now() - 60_000) }),
      ).toBeNull();
      expect((await store.deliveries.listStale(new Date(Date.now() + 1000))).map((d) => d.id)).toContain(
        delivery.id,
      );
      const reclaimed = await store.deliveries.claim(delivery.id, {
        staleBefore: new Date(Date.now() + 1000),
      });
      expect(reclaimed).toMatchObject({ status: 'in_flight', attempts: 2 });
    });

    it('supersedes older undelivered versions for the same learner and target only', async () => {
      const ref = unique('learner');
      const [v1a, v1b] = (await store.deliveries.createDeliveries(await version(ref, 1), [targetA, targetB]))
        .deliveries;
      const [v2a] = (await store.deliveries.createDeliveries(await version(ref, 2), [targetA])).deliveries;
      await store.deliveries.claim(v2a.id);
      await store.deliveries.markRetrying(v2a.id, { error: 'timeout', nextAttemptAt: new Date() });
      const [v3a] = (await store.deliveries.createDeliveries(await version(ref, 3), [targetA])).deliveries;
      const inFlightOther = unique('learner');
      const [o1] = (await store.deliveries.createDeliveries(await version(inFlightOther, 1), [targetA]))
        .deliveries;
      await store.deliveries.claim(o1.id);
      await store.deliveries.createDeliveries(await version(inFlightOther, 2), [targetA]);

      expect((await store.deliveries.supersedeOlder(ref, targetA, 3)).sort()).toEqual(
        [v1a.id, v2a.id].sort(),
      );
      expect(await store.deliveries.supersedeOlder(ref, targetA, 3)).toEqual([]);
      expect((await store.deliveries.get(v1b.id))?.status).toBe('pending');
      expect((await store.deliveries.get(v3a.id))?.status).toBe('pending');
      expect((await store.deliveries.latestUndelivered(ref, targetA))?.id).toBe(v3a.id);
      expect((await store.deliveries.findNewer(ref, targetA, 1))?.id).toBe(v3a.id);
      expect(await store.deliveries.findNewer(ref, targetA, 3)).toBeNull();
      // An in-flight request is left to finish.
      expect(await store.deliveries.supersedeOlder(inFlightOther, targetA, 2)).toEqual([]);
      expect((await store.deliveries.get(o1.id))?.status).toBe('in_flight');
      // ...unless its own handler, holding the claim, finds the newer version.
      expect(await store.deliveries.markSuperseded(v3a.id)).toBe(false);
      expect(await store.deliveries.markSuperseded(o1.id)).toBe(true);
      expect(await store.deliveries.markSuperseded(o1.id)).toBe(false);
      expect(await store.deliveries.get(o1.id)).toMatchObject({ status: 'superseded', nextAttemptAt: null });
    });

    it('lists due, by filter and counts by status', async () => {
      const ref = unique('learner');
      const [a, b] = (await store.deliveries.createDeliveries(await version(ref, 1), [targetA, targetB]))
        .deliveries;
      await store.deliveries.claim(b.id);
      await store.deliveries.markRetrying(b.id, {
        error: 'later',
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      });
      const due = (await store.deliveries.listDue(new Date(), { limit: 1000 })).map((d) => d.id);
      expect(due).toContain(a.id);
      expect(due).not.toContain(b.id);
      expect(
        (await store.deliveries.listDue(new Date(Date.now() + 7_200_000), { limit: 1000 })).map((d) => d.id),
      ).toContain(b.id);
      expect((await store.deliveries.list({ learnerRef: ref, status: 'retrying' })).map((d) => d.id)).toEqual(
        [b.id],
      );
      expect((await store.deliveries.list({ learnerRef: ref, targetId: targetA })).map((d) => d.id)).toEqual([
        a.id,
      ]);
      const counts = await store.deliveries.countByStatus(targetB);
      expect(counts.retrying).toBeGreaterThanOrEqual(1);
      expect(Object.keys(counts).sort()).toEqual([
        'dead',
        'delivered',
        'in_flight',
        'pending',
        'rejected',
        'retrying',
        'superseded',
      ]);
      await expectStoreError(
        store.deliveries.list({ status: 'lost' as never }),
        'INVALID_ARGUMENT',
        /unknown delivery status lost/,
      );
    });
  });

  describe('transactions', () => {
    it('commits a version, its ledger and its deliveries together, or none of them', async () => {
      const ref = unique('learner');
      const { target } = await store.targets.upsert({
        name: unique('tx'),
        baseUrl: 'https://p',
        authMode: 'client_credentials',
        scopes: ['s'],
        payloadForm: 'clr',
        concurrency: 1,
        ratePerSecond: 1,
        timeoutMs: 1000,
        enabled: true,
      });
      const work = (fail: boolean) => (tx: StoreRepositories) =>
        (async () => {
          const v = await tx.versions.storeVersion({
            learnerRef: ref,
            learnerId: 'S-9',
            version: 1,
            contentHash: 'h',
            clrId: 'urn:clr',
            unsignedJson: '{}',
            issuedOn: new Date(),
          });
          await tx.ledger.upsertActive(ref, 1, [
            { assertionId: `urn:a:${ref}`, sourceKind: 'degree', sourceKey: 'D1', achievementId: 'urn:ach' },
          ]);
          await tx.deliveries.createDeliveries(v.id, [target.id]);
          // A root-store call inside the transaction must not wait for the transaction (SQLite lock).
          await store.runs.list({ limit: 1 });
          if (fail) throw new Error('signing failed');
          return v.id;
        })();

      await expect(store.transaction(work(true))).rejects.toThrow('signing failed');
      expect(await store.versions.latestVersion(ref)).toBeNull();
      expect(await store.ledger.listForLearner(ref)).toEqual([]);
      expect(await store.deliveries.list({ learnerRef: ref })).toEqual([]);

      const versionId = await store.transaction(work(false));
      expect((await store.versions.latestVersion(ref))?.id).toBe(versionId);
      expect(await store.ledger.listForLearner(ref)).toHaveLength(1);
      expect(await store.deliveries.list({ learnerRef: ref })).toHaveLength(1);
    });

    it('keeps concurrent transactions apart: one rolling back does not take the other with it', async () => {
      const okSource = unique('ok');
      const badSource = unique('bad');
      const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const results = await Promise.allSettled([
        store.transaction(async (tx) => {
          await tx.runs.create({ source: badSource, mode: 'full', trigger: 'cli' });
          await slow(30);
          throw new Error('rolled back');
        }),
        store.transaction(async (tx) => {
          await slow(10);
          await tx.runs.create({ source: okSource, mode: 'full', trigger: 'cli' });
        }),
        store.runs.create({ source: okSource, mode: 'full', trigger: 'cron' }),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
      expect(await store.runs.list({ source: badSource })).toEqual([]);
      expect(await store.runs.list({ source: okSource })).toHaveLength(2);
    });
  });

  describe('audit log', () => {
    it('appends entries and lists them newest first with filters', async () => {
      const subject = unique('kid');
      const first = await store.audit.append({
        actor: 'cli',
        action: 'keys.rotate',
        subject,
        details: { retired: ['k1'] },
      });
      const second = await store.audit.append({
        actor: 'registrar',
        action: 'assertion.revoke',
        subject,
        details: 'by request',
      });
      expect(typeof first.id).toBe('number');
      expect(second.id).toBeGreaterThan(first.id);
      const listed = await store.audit.list({ subject });
      expect(listed.map((entry) => [entry.action, entry.details])).toEqual([
        ['assertion.revoke', 'by request'],
        ['keys.rotate', '{"retired":["k1"]}'],
      ]);
      expect((await store.audit.list({ subject, actor: 'cli' })).map((entry) => entry.id)).toEqual([
        first.id,
      ]);
      expect((await store.audit.list({ subject, beforeId: second.id })).map((entry) => entry.id)).toEqual([
        first.id,
      ]);
      await expectStoreError(store.audit.append({ actor: '', action: 'x' }), 'INVALID_ARGUMENT', /actor/);
    });
  });

  walletContract(() => store);
}
