import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sisSourceSchema } from '@app/config';
import { DataSource } from 'typeorm';
import { generateDemoSis } from '../src/demo/demo-sis.generator';
import { type LearnerRead } from '../src/reader/learner-records.assembler';
import { sisDataSourceOptions } from '../src/reader/sis-data-source.factory';
import { SisError } from '../src/reader/sis.error';
import { SisReader } from '../src/reader/sis.reader';
import {
  type ContractDatabase,
  createContractDatabase,
  readSeed,
  type SeedRow,
  type SeedRows,
  type TestDriver,
} from '@app/testing';

/*
 * What every SIS database must give the reader the same way. Run against SQLite here and
 * against PostgreSQL and MariaDB where those answer; the reference is the reader on the demo
 * SIS file itself.
 */

const EDGE_LEARNER = {
  learner_id: 'T0001',
  sourced_id: ' 6b0c7c4e-0000-4000-8000-000000000001 ',
  given_name: '  Zoë  ',
  family_name: "O'Brien-山田",
  additional_name: '',
  email: '',
  birth_date: '2001-02-28',
  updated_at: '2024-06-01 08:30:00.250',
};

function edgeGrade(id: string, learner: string, course: string, overrides: SeedRow = {}): SeedRow {
  return {
    grade_id: id,
    learner_id: learner,
    course_id: course,
    term: '2024FA',
    term_start: '2024-08-26',
    term_end: '2024-12-13',
    grade: 'A-',
    percent: 91.5,
    credits_earned: 3,
    status: 'Completed',
    awarded_on: '2024-12-18',
    updated_at: '2024-12-18 10:00:00',
    is_deleted: 0,
    ...overrides,
  };
}

function withEdges(seed: SeedRows): { seed: SeedRows; linkedCompetency: string } {
  const linkedCompetency = String(
    seed.clr_course_competencies.find((link) => link.course_id === 'C1003')?.competency_id,
  );
  const withdrawn = edgeGrade('GT0000002', 'T0001', 'C1001', {
    term: '2023FA',
    grade: 'W',
    percent: null,
    credits_earned: 0,
    status: 'Withdrew',
    awarded_on: null,
    is_deleted: 1,
  });
  return {
    linkedCompetency,
    seed: {
      ...seed,
      clr_learners: [...seed.clr_learners, EDGE_LEARNER],
      clr_course_grades: [
        ...seed.clr_course_grades,
        edgeGrade('GT0000001', 'T0001', 'C1003'),
        withdrawn,
        withdrawn,
        edgeGrade('GT0000003', 'T0001', 'C0999'),
        edgeGrade('GT0000004', 'T0002', 'C1001'),
      ],
      clr_competency_results: [
        ...seed.clr_competency_results,
        {
          result_id: 'RT0000001',
          learner_id: 'T0001',
          competency_id: linkedCompetency,
          level: 'Mastered',
          score: 3.5,
          course_id: 'C1003',
          assessed_on: '2024-12-13',
          updated_at: '2024-12-18 10:00:00',
          is_deleted: 0,
        },
      ],
      clr_cocurriculars: [
        ...seed.clr_cocurriculars,
        {
          activity_id: 'AT0000001',
          learner_id: 'T0001',
          name: ' Math Club ',
          activity_type: 'Co-Curricular',
          description: null,
          role: 'President',
          hours: 12.5,
          org_id: 'ORG-GONE',
          start_date: '2024-08-26',
          end_date: '2024-12-13',
          awarded_on: null,
          updated_at: '2024-12-20 09:00:00',
          is_deleted: 0,
        },
      ],
    },
  };
}

const iso = (text: string): string => `${text.replace(' ', 'T')}${text.includes('.') ? '' : '.000'}Z`;
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

async function collect(pages: AsyncIterable<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

export function sisReaderContractSuite(driver: TestDriver): void {
  let dir: string;
  let seed: SeedRows;
  let linkedCompetency: string;
  let database: ContractDatabase;
  let reader: SisReader;
  let reference: SisReader;
  let demoLearnerIds: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clr-sis-suite-'));
    const demoFile = join(dir, 'demo.sqlite');
    // 130 learners: the demo's defect learner is S0000125.
    generateDemoSis({ learners: 130, out: demoFile, seed: 7, defects: true });
    ({ seed, linkedCompetency } = withEdges(readSeed(demoFile)));
    demoLearnerIds = readSeed(demoFile).clr_learners.map((row) => String(row.learner_id));
    database = await createContractDatabase(driver, seed, driver);
    reader = new SisReader(database.source(), { configPath: 'sis.sources[0]' });
    reference = new SisReader(
      sisSourceSchema.parse({
        name: 'reference',
        driver: 'sqlite',
        connection: { file: demoFile },
        pageSize: 50,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await reader?.close();
    await reference?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects and finds every view and column of the contract', async () => {
    await expect(reader.ready()).resolves.toBeUndefined();
  });

  it('lists every missing view and column in one error before reading anything', async () => {
    const prefix = driver === 'postgres' ? `${String(database.source().schema)}.` : '';
    const broken = new SisReader(
      database.source({
        recordSets: { clr_courses: { columns: { title: 'titel' } }, clr_degrees: { view: 'nope' } },
      }),
      { configPath: 'sis.sources[0]' },
    );
    try {
      const error = await broken.ready().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SisError);
      expect((error as SisError).code).toBe('SIS_SCHEMA');
      expect((error as SisError).problems).toEqual([
        `sis.sources[0].recordSets.clr_courses: column "titel" (contract column title) not found in view ${prefix}clr_courses`,
        expect.stringMatching(
          new RegExp(
            `^sis\\.sources\\[0\\]\\.recordSets\\.clr_degrees: view ${prefix}nope cannot be read: \\S`,
          ),
        ),
      ]);
      expect((error as Error).message).toMatch(/2 problems in the database/);
    } finally {
      await broken.close();
    }
  });

  it('pages through every learner id by keyset, in order, pageSize at a time', async () => {
    const pages = await collect(reader.learnerIdPages());
    expect(pages.every((page) => page.length <= 10)).toBe(true);
    expect(pages.flat()).toEqual(sorted([...demoLearnerIds, 'T0001']));
  });

  it('reads every demo learner exactly as from the demo file (normalization agrees across databases)', async () => {
    const expected = await reference.readLearnersRecords(demoLearnerIds);
    const actual = await reader.readLearnersRecords(demoLearnerIds);
    expect(actual.length).toBe(demoLearnerIds.length);
    for (let index = 0; index < expected.length; index += 1) expect(actual[index]).toEqual(expected[index]);
    expect(actual.filter((read) => read.records === null)).toEqual([]);
  });

  it('normalizes an edge-case learner and reports what it had to skip or degrade', async () => {
    const read = await reader.readLearnerRecords('T0001');
    const records = read.records!;
    expect(records.learner).toEqual({
      learnerId: 'T0001',
      sourcedId: '6b0c7c4e-0000-4000-8000-000000000001',
      givenName: 'Zoë',
      familyName: "O'Brien-山田",
      additionalName: null,
      email: null,
      birthDate: '2001-02-28',
      updatedAt: '2024-06-01T08:30:00.250Z',
    });
    expect(records.courseGrades).toEqual([
      {
        gradeId: 'GT0000001',
        learnerId: 'T0001',
        courseId: 'C1003',
        term: '2024FA',
        termStart: '2024-08-26',
        termEnd: '2024-12-13',
        grade: 'A-',
        percent: 91.5,
        creditsEarned: 3,
        status: 'Completed',
        awardedOn: '2024-12-18',
        updatedAt: '2024-12-18T10:00:00.000Z',
        isDeleted: false,
      },
      expect.objectContaining({
        gradeId: 'GT0000002',
        grade: 'W',
        percent: null,
        isDeleted: true,
        awardedOn: null,
      }),
    ]);
    expect(records.competencyResults).toEqual([
      {
        resultId: 'RT0000001',
        learnerId: 'T0001',
        competencyId: linkedCompetency,
        level: 'Mastered',
        score: 3.5,
        courseId: 'C1003',
        assessedOn: '2024-12-13',
        updatedAt: '2024-12-18T10:00:00.000Z',
        isDeleted: false,
      },
    ]);
    expect(records.cocurriculars).toEqual([
      expect.objectContaining({ activityId: 'AT0000001', name: 'Math Club', hours: 12.5, orgId: null }),
    ]);
    expect(records.courses.map((course) => course.courseId)).toEqual(['C1001', 'C1003']);
    expect(records.courses[1]).toMatchObject({
      code: 'MATH-120',
      title: 'Geometry for Educators',
      credits: 3,
      orgId: 'ORG-MATH',
      level: 'Undergraduate',
    });
    const links = seed.clr_course_competencies.filter(
      (link) => link.course_id === 'C1001' || link.course_id === 'C1003',
    );
    expect(records.courseCompetencies.map((link) => `${link.courseId}/${link.competencyId}`)).toEqual(
      links.map((link) => `${String(link.course_id)}/${String(link.competency_id)}`),
    );
    expect(records.competencies.map((competency) => competency.competencyId)).toEqual(
      sorted([...links.map((link) => String(link.competency_id)), linkedCompetency]),
    );
    expect(records.organizations.map((org) => [org.orgId, org.parentOrgId])).toEqual([
      ['ORG-CAS', null],
      ['ORG-MATH', 'ORG-CAS'],
    ]);
    const cas = seed.clr_organizations.find((row) => row.org_id === 'ORG-CAS') as SeedRow;
    expect(records.organizations[0].updatedAt).toBe(iso(String(cas.updated_at)));
    expect(read.problems).toHaveLength(3);
    expect(read.problems).toEqual(
      expect.arrayContaining([
        {
          recordSet: 'clr_course_grades',
          key: 'GT0000002',
          reason: 'duplicate key: another row of clr_course_grades has the same key',
          effect: 'skipped',
        },
        {
          recordSet: 'clr_course_grades',
          key: 'GT0000003',
          reason: 'course_id refers to no usable row of clr_courses',
          effect: 'skipped',
        },
        {
          recordSet: 'clr_cocurriculars',
          key: 'AT0000001',
          reason: 'org_id refers to no usable row of clr_organizations: dropped',
          effect: 'degraded',
        },
      ]),
    );
  });

  it('reports the demo’s defects as problems, never as errors', async () => {
    const read = await reader.readLearnerRecords('S0000125');
    expect(read.records).not.toBeNull();
    expect(
      read.problems.map((problem) => `${problem.recordSet} ${problem.effect}: ${problem.reason}`).sort(),
    ).toEqual([
      'clr_cocurriculars degraded: description is longer than 10000 characters: cut',
      'clr_cocurriculars degraded: required column name is NULL or blank',
      'clr_competency_results skipped: competency_id refers to no usable row of clr_competencies',
      'clr_course_grades skipped: course_id refers to no usable row of clr_courses',
      'clr_degrees degraded: conferred_on is an impossible date: dropped',
    ]);
  });

  it('answers no records for an unknown learner, and reports rows whose learner does not exist', async () => {
    const [orphan, unknown] = await reader.readLearnersRecords(['T0002', 'NOBODY']);
    expect(orphan).toEqual<LearnerRead>({
      learnerId: 'T0002',
      records: null,
      problems: [
        {
          recordSet: 'clr_course_grades',
          key: 'GT0000004',
          reason: 'learner_id refers to no row of clr_learners',
          effect: 'skipped',
        },
      ],
    });
    expect(unknown).toEqual({ learnerId: 'NOBODY', records: null, problems: [] });
  });

  it('reads the same records one learner at a time as in a batch', async () => {
    const ids = ['S0000001', 'T0001', 'S0000042', 'S0000001'];
    const batch = await reader.readLearnersRecords(ids);
    expect(batch[0]).toEqual(batch[3]);
    for (const [index, id] of ids.entries())
      expect(await reader.readLearnerRecords(id)).toEqual(batch[index]);
  });

  it('pages through a record set in key order, each key once', async () => {
    const keys: string[] = [];
    let pages = 0;
    for await (const page of reader.recordPages('clr_course_grades')) {
      pages += 1;
      expect(page.records.length).toBeLessThanOrEqual(10);
      keys.push(...page.records.map((record) => record.gradeId));
    }
    const expected = sorted(seed.clr_course_grades.map((row) => String(row.grade_id)));
    expect(keys).toEqual(expected);
    expect(pages).toBe(Math.ceil(seed.clr_course_grades.length / 10));
  });

  it('gives the latest updated_at as the high watermark', async () => {
    const all = Object.values(seed).flatMap((rows) => rows.map((row) => iso(String(row.updated_at))));
    expect(await reader.highWatermark()).toBe(all.sort()[all.length - 1]);
  });

  it("leaves what is dated after the publisher's clock out of the high watermark", async () => {
    const all = Object.values(seed).flatMap((rows) => rows.map((row) => iso(String(row.updated_at))));
    const latest = all.sort()[all.length - 1];
    const now = new Date(Date.parse(latest) - 1);
    const upToNow = all.filter((value) => Date.parse(value) <= now.getTime());
    expect(upToNow.length).toBeGreaterThan(0);
    expect(await reader.highWatermark(now)).toBe(upToNow[upToNow.length - 1]);
  });

  it('finds exactly the learners a change concerns, catalogue changes fanned out', async () => {
    const watermark = (await reader.highWatermark()) as string;
    const at = (hours: number): string => new Date(Date.parse(watermark) + hours * 3_600_000).toISOString();
    const since = (hours: number): string => new Date(Date.parse(at(hours)) - 1000).toISOString();
    const changed = async (hours: number, from: SisReader = reader): Promise<string[]> =>
      (await collect(from.changedLearnerIdPages(since(hours)))).flat();
    const touch = async (set: keyof SeedRows, column: string, id: string, hours: number): Promise<void> =>
      database.run(`UPDATE sis_${set} SET updated_at = ? WHERE ${column} = ?`, [
        database.timestamp(set, at(hours)),
        id,
      ]);

    const grades = seed.clr_course_grades;
    const results = seed.clr_competency_results;
    const holders = (courses: Set<string>): string[] => [
      ...grades.filter((row) => courses.has(String(row.course_id))).map((row) => String(row.learner_id)),
      ...results.filter((row) => courses.has(String(row.course_id))).map((row) => String(row.learner_id)),
    ];

    // Nothing changed after the watermark itself.
    expect((await collect(reader.changedLearnerIdPages(watermark))).flat()).toEqual([]);

    // A learner's own row.
    const grade = grades[5];
    await touch('clr_course_grades', 'grade_id', String(grade.grade_id), 1);
    expect(await changed(1)).toEqual([String(grade.learner_id)]);

    // A course: everyone holding a grade in it or assessed in it.
    await touch('clr_courses', 'course_id', 'C1005', 2);
    expect(await changed(2)).toEqual(sorted(holders(new Set(['C1005']))));

    // A course-competency link: everyone holding the course.
    await database.run(
      `UPDATE sis_clr_course_competencies SET updated_at = ? WHERE course_id = ? AND competency_id = ?`,
      [database.timestamp('clr_course_competencies', at(3)), 'C1003', linkedCompetency],
    );
    expect(await changed(3)).toEqual(sorted(holders(new Set(['C1003']))));

    // A competency: its results, and everyone holding a course that develops it.
    await touch('clr_competencies', 'competency_id', 'K-DU-CT', 4);
    const developing = new Set(
      seed.clr_course_competencies
        .filter((link) => link.competency_id === 'K-DU-CT')
        .map((link) => String(link.course_id)),
    );
    const competencyExpected = sorted([
      ...results.filter((row) => row.competency_id === 'K-DU-CT').map((row) => String(row.learner_id)),
      ...holders(developing),
    ]);
    expect(await changed(4)).toEqual(competencyExpected);

    // An organization: everything issued by it or by a unit below it.
    await touch('clr_organizations', 'org_id', 'ORG-LIFE', 5);
    const below = new Set(['ORG-LIFE', 'ORG-CAREER', 'ORG-ATH']);
    const orgCourses = new Set(
      seed.clr_courses.filter((row) => below.has(String(row.org_id))).map((row) => String(row.course_id)),
    );
    const orgExpected = sorted([
      ...holders(orgCourses),
      ...seed.clr_cocurriculars
        .filter((row) => below.has(String(row.org_id)))
        .map((row) => String(row.learner_id)),
    ]);
    expect(orgExpected.length).toBeGreaterThan(10);
    expect(await changed(5)).toEqual(orgExpected);

    // The overlap looks back: an hour and a minute reaches the competency change too.
    const overlapping = new SisReader(database.source({ watermarkOverlapSeconds: 3660 }));
    try {
      expect(await changed(5, overlapping)).toEqual(sorted([...competencyExpected, ...orgExpected]));
    } finally {
      await overlapping.close();
    }
  });

  it('pages changed learner ids to the end when a changed row names no learner', async () => {
    // Later than every change of the test above. Nine learners and a grade without a learner fill
    // one page of 10 exactly; PostgreSQL sorts NULL last, so the page would end on it.
    const at = new Date(Date.parse((await reader.highWatermark()) as string) + 100 * 3_600_000).toISOString();
    const learners = sorted(demoLearnerIds).slice(0, 9);
    for (const learner of learners) {
      await database.run('UPDATE sis_clr_learners SET updated_at = ? WHERE learner_id = ?', [
        database.timestamp('clr_learners', at),
        learner,
      ]);
    }
    await database.run(
      'INSERT INTO sis_clr_course_grades (grade_id, learner_id, course_id, updated_at) VALUES (?, ?, ?, ?)',
      [
        'G-NO-LEARNER',
        null,
        String(seed.clr_course_grades[0].course_id),
        database.timestamp('clr_course_grades', at),
      ],
    );
    const pages: string[][] = [];
    for await (const page of reader.changedLearnerIdPages(new Date(Date.parse(at) - 1000).toISOString())) {
      pages.push(page);
      if (pages.length > 5) break; // it would page for ever
    }
    expect(pages.flat()).toEqual(learners);
  });

  if (driver !== 'mariadb') {
    // MariaDB has no per-session read-only switch the pool could set; the SIS login must be read-only there.
    it('connects read-only: the reader’s DataSource cannot write', async () => {
      const dataSource = new DataSource(sisDataSourceOptions(database.source()));
      await dataSource.initialize();
      try {
        await expect(dataSource.query('CREATE TABLE clr_should_not_exist (a integer)')).rejects.toThrow(
          /read.only|readonly/i,
        );
      } finally {
        await dataSource.destroy();
      }
    });
  }
}
