import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Alignment } from '@app/clr';
import { type LearnerRecords } from '@app/sis';
import {
  cocurricular,
  competency,
  competencyResult,
  course,
  degree,
  grade,
  learner,
  link,
  organization,
} from './learner-records.fixture';

/** A small seeded PRNG (mulberry32) so the varied records are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CfItemJson {
  uri: string;
  humanCodingScheme?: string;
  fullStatement: string;
}

const PACKAGE = path.resolve(
  __dirname,
  '../../../test/fixtures/case/act-holistic-framework-math.cfpackage.json',
);

/** The real ACT package's items as the alignments `@app/case` would resolve (test-side, no resolver). */
export function packageAlignments(): { uris: string[]; alignments: Map<string, Alignment> } {
  const pkg = JSON.parse(readFileSync(PACKAGE, 'utf8')) as {
    CFDocument: { title: string };
    CFItems: CfItemJson[];
  };
  const alignments = new Map<string, Alignment>();
  for (const item of pkg.CFItems) {
    const alignment: Alignment = {
      type: 'Alignment',
      targetType: 'CFItem',
      targetUrl: item.uri,
      targetName: item.fullStatement,
      targetFramework: pkg.CFDocument.title,
    };
    if (item.humanCodingScheme !== undefined) alignment.targetCode = item.humanCodingScheme;
    alignments.set(item.uri, alignment);
  }
  return { uris: pkg.CFItems.map((item) => item.uri), alignments };
}

/**
 * Learner record sets drawn from a fixed catalogue with every kind of value the contract allows,
 * good and bad: NULLs, blanks, unknown grades, statuses, levels and types, duplicate keys, rows
 * of unknown courses/competencies or of another learner, deleted rows, over-long text, impossible
 * and future dates, org cycles, unresolved and invalid CASE URIs, odd Unicode.
 */
export function variedLearnerRecords(count: number, seed = 20250115): LearnerRecords[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const chance = (p: number): boolean => random() < p;
  const { uris } = packageAlignments();

  const organizations = [
    organization({ orgId: 'ORG-SCI', name: 'College of Science', parentOrgId: null, url: null, email: null }),
    organization({ orgId: 'ORG-MATH', parentOrgId: 'ORG-SCI' }),
    organization({
      orgId: 'ORG-ARTS',
      name: 'College of Arts',
      parentOrgId: null,
      url: 'not a url',
      email: 'nope',
    }),
    organization({ orgId: 'ORG-LOOP-A', name: 'Loop A', parentOrgId: 'ORG-LOOP-B' }),
    organization({ orgId: 'ORG-LOOP-B', name: 'Loop B', parentOrgId: 'ORG-LOOP-A' }),
    organization({ orgId: 'ORG-NONAME', name: null, parentOrgId: null }),
    organization({ orgId: 'ORG-ORPHAN', name: 'Orphan', parentOrgId: 'ORG-GONE' }),
  ];
  const courses = [
    course(),
    course({ courseId: 'C-MATH-201', code: 'MATH-201', title: 'Calculus II', credits: 4 }),
    course({
      courseId: 'C-ENG-101',
      code: 'ENG-101',
      title: 'Composition — écriture ✍️',
      orgId: 'ORG-ARTS',
      credits: 3,
    }),
    course({
      courseId: 'C-LOOP',
      code: 'LOOP-1',
      title: 'Cyclic',
      orgId: 'ORG-LOOP-A',
      credits: null,
      level: null,
    }),
    course({ courseId: 'C-NONAME-ORG', orgId: 'ORG-NONAME', credits: -1 }),
    course({ courseId: 'C-ORPHAN', orgId: 'ORG-ORPHAN', description: 'x'.repeat(4100) }),
    course({ courseId: 'C-UNKNOWN-ORG', orgId: 'ORG-404', fieldOfStudy: null }),
    course({ courseId: 'C-EMPTY', code: null, title: ' ' }),
    course({ courseId: 'C-CODE-ONLY', code: 'LAB-9', title: null }),
  ];
  const competencies = [
    ...uris
      .slice(0, 8)
      .map((uri, index) =>
        competency({ competencyId: `K-${index}`, name: `Competency ${index}`, caseItemUri: uri }),
      ),
    competency({
      competencyId: 'K-UNRESOLVED',
      name: 'Estimation',
      caseItemUri: 'https://case.example.edu/ims/case/v1p0/CFItems/unknown-item',
    }),
    competency({ competencyId: 'K-BADURI', name: 'Bad URI', caseItemUri: 'CFItems/relative' }),
    competency({ competencyId: 'K-NOCASE', name: 'Local competency', caseItemUri: null }),
    competency({ competencyId: 'K-EMPTY', name: null, code: null }),
  ];
  const links = [
    link({ courseId: 'C-MATH-101', competencyId: 'K-0' }),
    link({ courseId: 'C-MATH-101', competencyId: 'K-1' }),
    link({ courseId: 'C-MATH-201', competencyId: 'K-2' }),
    link({ courseId: 'C-MATH-201', competencyId: 'K-UNRESOLVED' }),
    link({ courseId: 'C-MATH-201', competencyId: 'K-EMPTY' }),
    link({ courseId: 'C-ENG-101', competencyId: 'K-NOCASE' }),
    link({ courseId: 'C-ENG-101', competencyId: 'K-404' }),
    link({ courseId: 'C-404', competencyId: 'K-0' }),
  ];

  const grades = ['A', 'A-', 'B+', 'b', 'C', 'D-', 'F', 'P', 'NP', 'W', 'IP', 'I', 'Q+', '', null];
  const statuses = ['Completed', 'Failed', 'Withdrew', 'InProgress', 'in progress', 'Audited', null];
  const dates = [
    '2023-08-28',
    '2024-01-16',
    '2024-05-10',
    '2024-12-13',
    '2024-02-30',
    '1850-01-01',
    '2300-01-01',
    '2025-05-30',
    null,
  ];
  const levels = ['Beginning', 'Developing', 'proficient', 'Mastered', 'Wizard', null];
  const types = [
    'Co-Curricular',
    'CommunityService',
    'Award',
    'Membership',
    'Fieldwork',
    'Certificate',
    'License',
    'Study abroad',
    '???',
    'Résumé workshop',
    null,
  ];
  const degreeTypes = ['Degree', 'Diploma', 'certificate', 'Honorary', null];
  const emails = ['Learner@Example.edu', ' padded@example.edu ', 'not-an-email', null];

  return Array.from({ length: count }, (_, index) => {
    const learnerId = `L${String(index).padStart(5, '0')}`;
    const row = <T extends { learnerId: string }>(value: T): T => ({
      ...value,
      learnerId: chance(0.02) ? 'L-OTHER' : learnerId,
    });
    const courseGrades = Array.from({ length: Math.floor(random() * 8) }, (_, n) =>
      row(
        grade({
          gradeId: chance(0.05) ? `${learnerId}-G0` : `${learnerId}-G${n}`,
          courseId: chance(0.05) ? 'C-404' : pick(courses).courseId,
          term: pick(['2023FA', '2024SP', '2024FA', null, 'T'.repeat(80)]),
          termStart: pick(dates),
          termEnd: pick(dates),
          grade: pick(grades),
          percent: pick([null, 0, 55.5, 91.25, 100, 140, -3]),
          creditsEarned: pick([null, 0, 3, 4, -1]),
          status: pick(statuses),
          awardedOn: pick(dates),
          isDeleted: chance(0.05),
        }),
      ),
    );
    const competencyResults = Array.from({ length: Math.floor(random() * 6) }, (_, n) =>
      row(
        competencyResult({
          resultId: `${learnerId}-R${n}`,
          competencyId: chance(0.05) ? 'K-404' : pick(competencies).competencyId,
          level: pick(levels),
          score: pick([null, 0, 72, 99.5]),
          courseId: pick([null, 'C-MATH-101', 'C-ENG-101', 'C-LOOP', 'C-404']),
          assessedOn: pick(dates),
          isDeleted: chance(0.05),
        }),
      ),
    );
    const cocurriculars = Array.from({ length: Math.floor(random() * 3) }, (_, n) =>
      row(
        cocurricular({
          activityId: `${learnerId}-A${n}`,
          name: pick(['Chess club', 'Food bank', '', null, 'Nom avec accents é', 'n'.repeat(600)]),
          activityType: pick(types),
          role: pick([null, 'Captain', 'r'.repeat(300)]),
          hours: pick([null, 0, 12.5, 40, -5]),
          orgId: pick([null, 'ORG-MATH', 'ORG-LOOP-B', 'ORG-404']),
          startDate: pick(dates),
          endDate: pick(dates),
          awardedOn: pick(dates),
          isDeleted: chance(0.05),
        }),
      ),
    );
    const degrees = Array.from({ length: chance(0.3) ? 1 : 0 }, (_, n) =>
      row(
        degree({
          degreeId: `${learnerId}-D${n}`,
          name: pick(['Bachelor of Science', 'Associate of Arts', null]),
          degreeType: pick(degreeTypes),
          fieldOfStudy: pick([null, 'Mathematics']),
          specialization: pick([null, 'Statistics']),
          conferredOn: pick(dates),
          isDeleted: chance(0.05),
        }),
      ),
    );
    return {
      learner: learner({
        learnerId,
        sourcedId: pick([null, `src-${learnerId}`]),
        givenName: pick(['Ana', 'Zoë', '李', null, ' ']),
        familyName: pick(['García', "O'Neil", null, 'F'.repeat(300)]),
        additionalName: pick([null, 'Marie']),
        email: pick(emails),
        birthDate: pick(['2004-02-29', '2003-02-29', null]),
      }),
      courseGrades,
      competencyResults,
      cocurriculars,
      degrees,
      courses,
      competencies,
      courseCompetencies: links,
      organizations,
    };
  });
}
