import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, sisSourceSchema } from '@app/config';
import Database from 'better-sqlite3';
import { SisReader } from '../reader/sis.reader';
import { DEMO_CASE_PACKAGE, generateDemoSis } from './demo-sis.generator';
import { mutateDemoSis } from './demo-sis.mutator';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clr-demo-sis-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function all<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

function readerOf(file: string): SisReader {
  return new SisReader(
    sisSourceSchema.parse({
      name: 'demo',
      driver: 'sqlite',
      connection: { file },
      pageSize: 25,
      watermarkOverlapSeconds: 0,
    }),
  );
}

describe('generateDemoSis', () => {
  it('writes the same bytes for the same seed, other bytes for another seed', () => {
    const a = generateDemoSis({ learners: 60, out: join(dir, 'a.sqlite'), seed: 42 });
    const b = generateDemoSis({ learners: 60, out: join(dir, 'b.sqlite'), seed: 42 });
    const c = generateDemoSis({ learners: 60, out: join(dir, 'c.sqlite'), seed: 43 });
    expect(readFileSync(a.file).equals(readFileSync(b.file))).toBe(true);
    expect(readFileSync(a.file).equals(readFileSync(c.file))).toBe(false);
    expect(a.rows).toEqual(b.rows);
  });

  it('holds what a registrar’s data holds', () => {
    const { file, rows } = generateDemoSis({ learners: 400, out: join(dir, 'rich.sqlite'), seed: 1 });
    expect(rows.clr_learners).toBe(400);
    for (const count of Object.values(rows)) expect(count).toBeGreaterThan(0);

    const grades = all<{ grade: string | null; status: string }>(
      file,
      'SELECT DISTINCT grade, status FROM clr_course_grades',
    );
    const pairs = grades.map((row) => `${row.grade ?? 'NULL'}/${row.status}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'A/Completed',
        'F/Failed',
        'W/Withdrew',
        'IP/InProgress',
        'NULL/InProgress',
        'P/Completed',
      ]),
    );
    const retakes = all(
      file,
      `SELECT f.learner_id FROM clr_course_grades f JOIN clr_course_grades r
         ON r.learner_id = f.learner_id AND r.course_id = f.course_id AND r.term > f.term
       WHERE f.status = 'Failed' AND r.status = 'Completed'`,
    );
    expect(retakes.length).toBeGreaterThan(0);
    const types = all<{ activity_type: string }>(
      file,
      'SELECT DISTINCT activity_type FROM clr_cocurriculars',
    ).map((row) => row.activity_type);
    expect(types).toEqual(
      expect.arrayContaining([
        'Co-Curricular',
        'CommunityService',
        'Award',
        'Membership',
        'Certificate',
        'Hackathon',
      ]),
    );
    const names = all<{ name: string }>(
      file,
      'SELECT given_name || family_name AS name FROM clr_learners',
    ).map((row) => row.name);
    expect(names.some((name) => /[\u4e00-\u9fff\uac00-\ud7af]/.test(name))).toBe(true);
    expect(names.some((name) => /[àáâãäåçèéêëìíîïñòóôõöùúûüýÿłøśšž]/i.test(name))).toBe(true);
    expect(names.some((name) => name.includes("'"))).toBe(true);
    expect(
      all(file, "SELECT 1 FROM clr_learners WHERE email IS NULL OR trim(email) = ''").length,
    ).toBeGreaterThan(0);
    expect(all(file, 'SELECT 1 FROM clr_course_grades WHERE is_deleted = 1').length).toBeGreaterThan(0);
    const degreeTypes = all<{ degree_type: string }>(
      file,
      'SELECT DISTINCT degree_type FROM clr_degrees',
    ).map((row) => row.degree_type);
    expect(degreeTypes).toContain('Degree');
    expect(
      all(file, 'SELECT 1 FROM clr_organizations WHERE parent_org_id IS NOT NULL').length,
    ).toBeGreaterThan(0);
  });

  it('aligns competencies to real items of the bundled CASE package', () => {
    const { file } = generateDemoSis({ learners: 20, out: join(dir, 'case.sqlite'), seed: 3 });
    const pkg = JSON.parse(readFileSync(join(projectRoot(), DEMO_CASE_PACKAGE), 'utf8')) as {
      CFDocument: { uri: string };
      CFItems: { uri: string; fullStatement: string }[];
    };
    const items = new Map(pkg.CFItems.map((item) => [item.uri, item]));
    const aligned = all<{ case_item_uri: string; case_framework_uri: string }>(
      file,
      'SELECT case_item_uri, case_framework_uri FROM clr_competencies WHERE case_item_uri IS NOT NULL',
    );
    expect(aligned.length).toBe(
      pkg.CFItems.filter((item) => !item.fullStatement.startsWith('(MISCONCEPTION)')).length,
    );
    for (const row of aligned) {
      expect(items.has(row.case_item_uri)).toBe(true);
      expect(row.case_framework_uri).toBe(pkg.CFDocument.uri);
    }
    const linked = all(
      file,
      `SELECT 1 FROM clr_course_competencies l JOIN clr_competencies k ON k.competency_id = l.competency_id
       WHERE k.case_item_uri IS NOT NULL`,
    );
    expect(linked.length).toBeGreaterThan(0);
  });

  it('reads back through the SIS reader with no problem at all (without defects)', async () => {
    const { file } = generateDemoSis({ learners: 120, out: join(dir, 'clean.sqlite'), seed: 5 });
    const reader = readerOf(file);
    try {
      const ids: string[] = [];
      for await (const page of reader.learnerIdPages()) ids.push(...page);
      expect(ids.length).toBe(120);
      const reads = await reader.readLearnersRecords(ids);
      expect(reads.flatMap((read) => read.problems)).toEqual([]);
      expect(reads.every((read) => read.records !== null)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('puts defects only where asked, and only in the defect learners', async () => {
    const summary = generateDemoSis({
      learners: 300,
      out: join(dir, 'defects.sqlite'),
      seed: 5,
      defects: true,
    });
    expect(summary.defectiveLearners).toEqual(['S0000125']);
    const reader = readerOf(summary.file);
    try {
      const ids: string[] = [];
      for await (const page of reader.learnerIdPages()) ids.push(...page);
      const reads = await reader.readLearnersRecords(ids);
      expect(reads.filter((read) => read.problems.length > 0).map((read) => read.learnerId)).toEqual([
        'S0000125',
      ]);
    } finally {
      await reader.close();
    }
  });

  it('refuses bad options with a clear reason', () => {
    expect(() => generateDemoSis({ learners: 0, out: join(dir, 'x.sqlite') })).toThrow(
      /learners must be an integer from 1/,
    );
    expect(() => generateDemoSis({ learners: 2.5, out: join(dir, 'x.sqlite') })).toThrow(/learners must be/);
    expect(() => generateDemoSis({ learners: 5, out: join(dir, 'x.sqlite'), seed: -1 })).toThrow(
      /seed must be an integer/,
    );
    const notCase = join(dir, 'not-case.json');
    writeFileSync(notCase, '{"hello": 1}');
    expect(() => generateDemoSis({ learners: 5, out: join(dir, 'x.sqlite'), casePackage: notCase })).toThrow(
      /not-case\.json is not a CASE CFPackage/,
    );
  });

  it('writes over a demo SIS, never over a publisher store or another file', () => {
    const again = join(dir, 'again.sqlite');
    generateDemoSis({ learners: 5, out: again, seed: 1 });
    expect(generateDemoSis({ learners: 6, out: again, seed: 1 }).learners).toBe(6);

    const store = join(dir, 'publisher.sqlite');
    const db = new Database(store);
    db.exec('CREATE TABLE store_migrations (id integer); CREATE TABLE clr_learners (learner_id text)');
    db.close();
    const before = readFileSync(store);
    expect(() => generateDemoSis({ learners: 5, out: store })).toThrow(
      /is a publisher store, not a demo SIS/,
    );
    expect(readFileSync(store).equals(before)).toBe(true);

    const other = join(dir, 'other.sqlite');
    const notes = new Database(other);
    notes.exec('CREATE TABLE notes (body text)');
    notes.close();
    expect(() => generateDemoSis({ learners: 5, out: other })).toThrow(/exists and is not a demo SIS/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'keep me');
    expect(() => generateDemoSis({ learners: 5, out: text })).toThrow(/is not a SQLite database/);
    expect(readFileSync(text, 'utf8')).toBe('keep me');
  });
});

describe('mutateDemoSis', () => {
  it('changes one grade of the chosen share of learners, deterministically, visible to an incremental read', async () => {
    const first = generateDemoSis({ learners: 200, out: join(dir, 'm1.sqlite'), seed: 9 });
    const second = generateDemoSis({ learners: 200, out: join(dir, 'm2.sqlite'), seed: 9 });
    const reader = readerOf(first.file);
    try {
      const watermark = (await reader.highWatermark()) as string;
      const before = all<{ grade_id: string; grade: string }>(
        first.file,
        'SELECT grade_id, grade FROM clr_course_grades',
      );
      const at = new Date(Date.parse(watermark) + 3_600_000);
      const result = mutateDemoSis(first.file, { fraction: 0.05, seed: 2, at });
      expect(mutateDemoSis(second.file, { fraction: 0.05, seed: 2, at })).toEqual(result);
      expect(result.learnerIds).toHaveLength(10);
      expect(result.gradesChanged).toBeGreaterThan(0);

      const after = new Map(
        all<{ grade_id: string; grade: string }>(
          first.file,
          'SELECT grade_id, grade FROM clr_course_grades',
        ).map((row) => [row.grade_id, row.grade]),
      );
      const changedGrades = before.filter((row) => after.get(row.grade_id) !== row.grade);
      expect(changedGrades).toHaveLength(result.gradesChanged);

      const changed: string[] = [];
      for await (const page of reader.changedLearnerIdPages(watermark)) changed.push(...page);
      expect(changed).toEqual(result.learnerIds);
    } finally {
      await reader.close();
    }
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => mutateDemoSis(join(dir, 'm1.sqlite'), { fraction: 0 })).toThrow(
      /fraction must be in \(0, 1\]/,
    );
    expect(() => mutateDemoSis(join(dir, 'm1.sqlite'), { fraction: 1.5 })).toThrow(/fraction must be in/);
  });
});
