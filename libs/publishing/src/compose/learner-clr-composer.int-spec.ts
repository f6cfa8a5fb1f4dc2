import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CaseResolver, caseModuleOptionsFromConfig, createCaseResolver } from '@app/case';
import { type AppConfig, loadConfig, sisSourceSchema } from '@app/config';
import { type DemoSisSummary, SisReader, SisReaders, generateDemoSis } from '@app/sis';
import Database from 'better-sqlite3';
import { type ClrComposition, type LearnerComposition } from './compose-outcome';
import { LearnerClrComposer } from './learner-clr-composer';
import { createLearnerClrComposer } from './learner-clr-composer.factory';

const LEARNERS = 300;
const ISSUED_ON = '2025-07-15T12:00:00Z';

/** The embedded demo configuration (the project's config/default.yaml) pointed at `file`. */
function demoConfig(file: string, overrides: Partial<AppConfig> = {}): AppConfig {
  const base = loadConfig({ path: 'config/default.yaml', env: {} });
  return {
    ...base,
    sis: { sources: [sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file } })] },
    ...overrides,
  };
}

function ok(composition: LearnerComposition | undefined): ClrComposition {
  if (composition === undefined || composition.status === 'unknown-learner') {
    throw new Error(`expected a CLR, got ${composition?.status ?? 'nothing'}`);
  }
  return composition;
}

/** Learners with at least one competency result, i.e. CASE-aligned competencies in their CLR. */
function learnersWithCompetencies(file: string, count: number): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT DISTINCT learner_id FROM clr_competency_results WHERE is_deleted = 0 ORDER BY learner_id LIMIT ?',
      )
      .all(count) as { learner_id: string }[];
    return rows.map((row) => row.learner_id);
  } finally {
    db.close();
  }
}

/**
 * The composition every build uses, over a generated demo SIS (300 learners with the generator's
 * data-quality defects) in a temporary SQLite file, read by the real reader, aligned by the real
 * resolver with the project's CASE package, validated by libs/clr.
 */
describe('LearnerClrComposer on a generated demo SIS', () => {
  let dir: string;
  let file: string;
  let demo: DemoSisSummary;
  let config: AppConfig;
  let readers: SisReaders;
  let resolver: CaseResolver;
  let composer: LearnerClrComposer;
  let ids: string[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'publishing-compose-'));
    file = path.join(dir, 'demo-sis.sqlite');
    demo = generateDemoSis({ learners: LEARNERS, out: file, seed: 20250715, defects: true });
    config = demoConfig(file);
    readers = new SisReaders(config);
    resolver = await createCaseResolver(caseModuleOptionsFromConfig(config.case));
    composer = new LearnerClrComposer({ config, readers, resolver });
    ids = [];
    for await (const page of readers.default.learnerIdPages()) ids.push(...page);
  }, 120_000);

  afterAll(async () => {
    await readers?.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares a batch with one read and composes each learner when asked, equally each time', async () => {
    const some = ids.slice(0, 3);
    const reads: number[] = [];
    const reader = readers.default;
    const counting = Object.create(reader) as typeof reader;
    counting.readLearnersRecords = (asked) => {
      reads.push(asked.length);
      return reader.readLearnersRecords(asked);
    };
    const lazy = new LearnerClrComposer({
      config,
      readers: { get: () => counting, default: counting },
      resolver,
    });
    const pending = await lazy.prepareMany(some, { issuedOn: ISSUED_ON });
    expect(reads).toEqual([3]);
    expect(pending.map((learner) => learner.learnerId)).toEqual(some);
    const first = await pending[1].compose();
    expect(await pending[1].compose()).toEqual(first);
    expect(first).toEqual((await composer.composeMany([some[1]], { issuedOn: ISSUED_ON }))[0]);
    expect(reads).toEqual([3]);
  });

  it('gives every demo learner a valid CLR, with the CASE alignments resolved from the package', async () => {
    expect(ids).toHaveLength(LEARNERS);
    const compositions = await composer.composeMany(ids, { issuedOn: ISSUED_ON });
    expect(compositions.map((composition) => composition.learnerId)).toEqual(ids);
    let assertions = 0;
    for (const composition of compositions.map(ok)) {
      expect({
        learner: composition.learnerId,
        status: composition.status,
        findings: composition.findings,
      }).toEqual({ learner: composition.learnerId, status: 'ok', findings: [] });
      expect(composition.caseWarnings).toEqual([]);
      expect(composition.reasons).toEqual([]);
      expect(composition.clr.issuedOn).toBe(ISSUED_ON);
      expect(composition.clr.learner.studentId).toBe(composition.learnerId);
      assertions += composition.clr.assertions?.length ?? 0;
    }
    expect(assertions).toBeGreaterThan(LEARNERS * 5);
    const aligned = compositions
      .map(ok)
      .flatMap((composition) => composition.clr.assertions ?? [])
      .flatMap((assertion) => assertion.achievement?.alignments ?? []);
    expect(aligned.length).toBeGreaterThan(0);
    // Resolved from the package: the framework's title and the item's code, not only the URL.
    expect(aligned.every((alignment) => alignment.targetType === 'CFItem')).toBe(true);
    expect(aligned.some((alignment) => alignment.targetFramework !== undefined)).toBe(true);
  }, 120_000);

  it('composes one learner exactly as the batch does, and the same twice', async () => {
    const sample = [ids[0], ...demo.defectiveLearners, ids[ids.length - 1], ids[57]];
    const batch = await composer.composeMany(sample, { issuedOn: ISSUED_ON });
    for (const [index, id] of sample.entries()) {
      const alone = await composer.compose(id, { issuedOn: ISSUED_ON });
      expect(JSON.stringify(alone)).toBe(JSON.stringify(batch[index]));
    }
  });

  it('answers an id asked twice in a batch twice, in the order asked', async () => {
    const [first, second, again] = await composer.composeMany([ids[3], ids[1], ids[3]], {
      issuedOn: ISSUED_ON,
    });
    expect([first.learnerId, second.learnerId, again.learnerId]).toEqual([ids[3], ids[1], ids[3]]);
    expect(again).toEqual(first);
  });

  it('reports an id the SIS does not have as an unknown learner', async () => {
    await expect(composer.compose('S9999999', { issuedOn: ISSUED_ON })).resolves.toEqual({
      status: 'unknown-learner',
      learnerId: 'S9999999',
      problems: [],
    });
    const [known, unknown] = await composer.composeMany([ids[0], 'NOPE'], { issuedOn: ISSUED_ON });
    expect(known.status).toBe('ok');
    expect(unknown.status).toBe('unknown-learner');
  });

  it('lists the bad rows of a learner with defects (record set, key, reason) and still gives a valid CLR', async () => {
    expect(demo.defectiveLearners.length).toBeGreaterThan(0);
    for (const id of demo.defectiveLearners) {
      const composition = ok(await composer.compose(id, { issuedOn: ISSUED_ON }));
      expect(composition.status).toBe('ok');
      expect(composition.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            recordSet: 'clr_course_grades',
            key: expect.stringMatching(/^G\d+$/),
            reason: 'course_id refers to no usable row of clr_courses',
            effect: 'skipped',
          }),
          expect.objectContaining({
            recordSet: 'clr_competency_results',
            reason: 'competency_id refers to no usable row of clr_competencies',
            effect: 'skipped',
          }),
        ]),
      );
      // The skipped grade is not asserted.
      const keys = composition.problems.map((problem) => problem.key);
      const ids = (composition.clr.assertions ?? []).map((assertion) => assertion.id);
      expect(ids.some((assertionId) => keys.includes(assertionId))).toBe(false);
    }
    const clean = ok(await composer.compose(ids[0], { issuedOn: ISSUED_ON }));
    expect(demo.defectiveLearners).not.toContain(ids[0]);
    expect(clean.problems).toEqual([]);
  });

  it('gives the same verdicts and findings with the JSON-LD term check as with full expansion', async () => {
    const expanding = new LearnerClrComposer({
      config,
      readers: readers,
      resolver: resolver,
      jsonLd: 'expand',
    });
    const sample = ids.slice(0, 40);
    expect(await expanding.composeMany(sample, { issuedOn: ISSUED_ON })).toEqual(
      await composer.composeMany(sample, { issuedOn: ISSUED_ON }),
    );
  });

  it('reads the named source, and refuses a name not configured', async () => {
    const composition = await composer.compose(ids[2], { issuedOn: ISSUED_ON, sourceName: 'demo' });
    expect(composition.status).toBe('ok');
    await expect(composer.compose(ids[2], { issuedOn: ISSUED_ON, sourceName: 'registrar' })).rejects.toThrow(
      'no SIS source named "registrar" (configured: demo)',
    );
  });

  describe('when a CASE item cannot be resolved (no package configured)', () => {
    const compose = async (
      onUnresolved: 'keep-url' | 'omit' | 'fail',
      id: string,
    ): Promise<ClrComposition> => {
      const cfg = demoConfig(file, { case: { packages: [], onUnresolved } });
      const standalone = await createLearnerClrComposer(cfg);
      try {
        return ok(await standalone.composer.compose(id, { issuedOn: ISSUED_ON }));
      } finally {
        await standalone.close();
      }
    };

    it('fails the learner under onUnresolved: fail, naming the item and why', async () => {
      const [id] = learnersWithCompetencies(file, 1);
      const composition = await compose('fail', id);
      expect(composition.status).toBe('invalid');
      expect(composition.findings).toEqual([]);
      expect(composition.reasons.length).toBeGreaterThan(0);
      for (const reason of composition.reasons) {
        expect(reason).toMatch(
          /^CASE item http\S+ could not be resolved \(unknown-item\) and case\.onUnresolved is "fail"$/,
        );
      }
      expect(composition.caseWarnings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'unknown-item',
            message: 'no configured CASE package has this item and no CASE service is configured',
          }),
        ]),
      );
    });

    it('keeps the fallback alignment (item URL and competency name) under keep-url, valid', async () => {
      const [id] = learnersWithCompetencies(file, 1);
      const composition = await compose('keep-url', id);
      expect(composition.status).toBe('ok');
      expect(composition.reasons).toEqual([]);
      expect(composition.caseWarnings.length).toBeGreaterThan(0);
      const urls = new Set(composition.caseWarnings.map((warning) => warning.uri));
      const alignments = (composition.clr.assertions ?? []).flatMap(
        (assertion) => assertion.achievement?.alignments ?? [],
      );
      expect(alignments.length).toBeGreaterThan(0);
      for (const alignment of alignments) {
        expect(urls.has(alignment.targetUrl)).toBe(true);
        expect(alignment.targetFramework).toBeUndefined();
      }
    });

    it('leaves the alignments out under omit, valid', async () => {
      const [id] = learnersWithCompetencies(file, 1);
      const composition = await compose('omit', id);
      expect(composition.status).toBe('ok');
      const alignments = (composition.clr.assertions ?? []).flatMap(
        (assertion) => assertion.achievement?.alignments ?? [],
      );
      expect(alignments).toEqual([]);
    });
  });

  it('reports a source whose file is missing as unavailable, naming the file', async () => {
    const missing = path.join(dir, 'absent.sqlite');
    const reader = new SisReader(
      sisSourceSchema.parse({ name: 'gone', driver: 'sqlite', connection: { file: missing } }),
    );
    const composer = new LearnerClrComposer({
      config,
      readers: { get: () => reader, default: reader },
      resolver: resolver,
    });
    await expect(composer.compose(ids[0], { issuedOn: ISSUED_ON })).rejects.toMatchObject({
      code: 'SIS_UNAVAILABLE',
      message: expect.stringContaining(`SQLite file not found: ${missing}`),
    });
  });
});
