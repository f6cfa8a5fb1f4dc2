import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CaseResolver, loadCfPackageFile } from '@app/case';
import { validateClr } from '@app/clr';
import { sisSourceSchema } from '@app/config';
import { generateDemoSis, type LearnerRead, SisReader } from '@app/sis';
import { context } from '../test/learner-records.fixture';
import { caseItemReferences } from './case-item-requests';
import { mapLearnerToClr } from './map-learner-to-clr';

const PACKAGE = path.resolve(
  __dirname,
  '../../../test/fixtures/case/act-holistic-framework-math.cfpackage.json',
);
const LEARNERS = 300;

/**
 * The whole path a build takes, over a generated SIS: the demo generator writes ~300 learners
 * (with its data-quality defects) to a temporary SQLite file, the SIS reader reads each learner's
 * records, the CASE resolver resolves their competencies from the real package, and every CLR the
 * mapping makes must pass libs/clr validation.
 */
describe('mapping a generated demo SIS', () => {
  let dir: string;
  let reader: SisReader;
  let reads: LearnerRead[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mapping-demo-sis-'));
    const file = path.join(dir, 'demo-sis.sqlite');
    generateDemoSis({ learners: LEARNERS, out: file, seed: 4242, defects: true });
    reader = new SisReader(sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file } }));
    const ids: string[] = [];
    for await (const page of reader.learnerIdPages()) ids.push(...page);
    reads = await reader.readLearnersRecords(ids);
  }, 120_000);

  afterAll(async () => {
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a valid CLR for every learner the reader can read', async () => {
    const resolver = new CaseResolver({ packages: [await loadCfPackageFile(PACKAGE)] });
    let assertions = 0;
    let validated = 0;
    let unresolved = 0;

    expect(reads.length).toBe(LEARNERS);
    for (const read of reads) {
      if (read.records === null) continue;
      const batch = await resolver.resolveMany(caseItemReferences(read.records));
      unresolved += batch.warnings.length;
      const { clr } = mapLearnerToClr(
        read.records,
        context({ alignments: batch.alignments, issuedOn: '2025-07-15T12:00:00Z' }),
      );
      assertions += clr.assertions?.length ?? 0;
      const report = await validateClr(clr);
      expect({ learner: read.learnerId, findings: report.findings }).toEqual({
        learner: read.learnerId,
        findings: [],
      });
      validated += 1;
    }

    expect(validated).toBeGreaterThanOrEqual(LEARNERS - 5);
    expect(assertions).toBeGreaterThan(LEARNERS * 5);
    // The demo aligns its competencies to the ACT package, so nothing falls back.
    expect(unresolved).toBe(0);
    // Validation (JSON-LD expansion of every CLR) takes seconds here; the bound is generous for busy CI.
  }, 180_000);

  it('maps the same records to the same JSON twice', () => {
    const ctx = context({ issuedOn: '2025-07-15T12:00:00Z' });
    for (const read of reads.slice(0, 25)) {
      if (read.records === null) continue;
      expect(JSON.stringify(mapLearnerToClr(read.records, ctx))).toBe(
        JSON.stringify(mapLearnerToClr(read.records, ctx)),
      );
    }
  });
});
