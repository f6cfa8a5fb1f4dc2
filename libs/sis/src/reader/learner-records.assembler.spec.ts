import { RECORD_SET_CONTRACTS } from '../contract/record-set.contract';
import { type NormalizedRow, normalizeRow } from '../normalize/row.normalizer';
import { type RecordSetName } from '../records/sis-records';
import { type CatalogueRows, type LearnerRows, assembleLearnerRecords } from './learner-records.assembler';

const T = '2024-12-18 10:00:00';
const ISO = '2024-12-18T10:00:00.000Z';

function rows<N extends RecordSetName>(set: N, raws: Record<string, unknown>[]): NormalizedRow<N>[] {
  const contract = RECORD_SET_CONTRACTS[set] as (typeof RECORD_SET_CONTRACTS)[RecordSetName] & { name: N };
  return raws.map((raw) => normalizeRow(contract, { updated_at: T, ...raw }));
}

function byId<N extends RecordSetName>(set: N, column: string, raws: Record<string, unknown>[]) {
  const map = new Map<string, NormalizedRow<N>[]>();
  for (const [index, row] of rows(set, raws).entries()) {
    const id = String(raws[index][column]);
    map.set(id, [...(map.get(id) ?? []), row]);
  }
  return map;
}

const learnerRow = { learner_id: 'S1', given_name: 'Zoë', family_name: "O'Brien", email: null };

function own(overrides: Partial<Record<keyof LearnerRows, Record<string, unknown>[]>> = {}): LearnerRows {
  return {
    learners: rows('clr_learners', overrides.learners ?? [learnerRow]),
    courseGrades: rows('clr_course_grades', overrides.courseGrades ?? []),
    competencyResults: rows('clr_competency_results', overrides.competencyResults ?? []),
    cocurriculars: rows('clr_cocurriculars', overrides.cocurriculars ?? []),
    degrees: rows('clr_degrees', overrides.degrees ?? []),
  };
}

function catalogue(
  overrides: Partial<
    Record<'courses' | 'competencies' | 'courseCompetencies' | 'organizations', Record<string, unknown>[]>
  > = {},
  read = { competencies: true, organizations: true },
): CatalogueRows {
  return {
    courses: byId('clr_courses', 'course_id', overrides.courses ?? []),
    competencies: byId('clr_competencies', 'competency_id', overrides.competencies ?? []),
    courseCompetencies: byId('clr_course_competencies', 'course_id', overrides.courseCompetencies ?? []),
    organizations: byId('clr_organizations', 'org_id', overrides.organizations ?? []),
    read,
  };
}

const grade = (id: string, courseId: string) => ({
  grade_id: id,
  learner_id: 'S1',
  course_id: courseId,
  term: '2024FA',
  grade: 'A',
  status: 'Completed',
});
const course = (id: string, orgId: string | null = null) => ({
  course_id: id,
  code: `X-${id}`,
  title: `Course ${id}`,
  org_id: orgId,
});
const competency = (id: string) => ({ competency_id: id, name: `Competency ${id}` });
const result = (id: string, competencyId: string, courseId: string | null = null) => ({
  result_id: id,
  learner_id: 'S1',
  competency_id: competencyId,
  level: 'Mastered',
  course_id: courseId,
  assessed_on: '2024-12-13',
});
const org = (id: string, parent: string | null = null) => ({
  org_id: id,
  name: `Org ${id}`,
  parent_org_id: parent,
});

describe('assembleLearnerRecords', () => {
  it('puts a learner together with exactly the catalogue rows they refer to', () => {
    const read = assembleLearnerRecords(
      'S1',
      own({
        courseGrades: [grade('G1', 'C1')],
        competencyResults: [result('R1', 'K2', 'C1')],
        cocurriculars: [
          {
            activity_id: 'A1',
            learner_id: 'S1',
            name: 'Math Club',
            activity_type: 'Co-Curricular',
            org_id: 'O3',
          },
        ],
      }),
      catalogue({
        courses: [course('C1', 'O2'), course('C9')],
        competencies: [competency('K1'), competency('K2'), competency('K9')],
        courseCompetencies: [
          { course_id: 'C1', competency_id: 'K1' },
          { course_id: 'C9', competency_id: 'K9' },
        ],
        organizations: [org('O1'), org('O2', 'O1'), org('O3'), org('O9')],
      }),
    );
    expect(read.problems).toEqual([]);
    const records = read.records!;
    expect(records.learner).toEqual({
      learnerId: 'S1',
      sourcedId: null,
      givenName: 'Zoë',
      familyName: "O'Brien",
      additionalName: null,
      email: null,
      birthDate: null,
      updatedAt: ISO,
    });
    expect(records.courseGrades.map((row) => row.gradeId)).toEqual(['G1']);
    expect(records.courses.map((row) => row.courseId)).toEqual(['C1']);
    expect(records.courseCompetencies).toEqual([{ courseId: 'C1', competencyId: 'K1', updatedAt: ISO }]);
    expect(records.competencies.map((row) => row.competencyId)).toEqual(['K1', 'K2']);
    expect(records.organizations.map((row) => [row.orgId, row.parentOrgId])).toEqual([
      ['O1', null],
      ['O2', 'O1'],
      ['O3', null],
    ]);
    expect(records.cocurriculars[0]).toMatchObject({ activityId: 'A1', orgId: 'O3' });
  });

  it('gives no records for a learner without a learner row, and reports their orphaned rows', () => {
    const read = assembleLearnerRecords(
      'S1',
      own({
        learners: [],
        courseGrades: [grade('G1', 'C1')],
        degrees: [
          {
            degree_id: 'D1',
            learner_id: 'S1',
            name: 'BA',
            degree_type: 'Degree',
            conferred_on: '2024-05-20',
          },
        ],
      }),
      catalogue({ courses: [course('C1')] }),
    );
    expect(read.records).toBeNull();
    expect(read.problems).toEqual([
      {
        recordSet: 'clr_course_grades',
        key: 'G1',
        reason: 'learner_id refers to no row of clr_learners',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_degrees',
        key: 'D1',
        reason: 'learner_id refers to no row of clr_learners',
        effect: 'skipped',
      },
    ]);
  });

  it('keeps one row of a duplicate key whatever order the database returned them in', () => {
    const learners = [learnerRow, { ...learnerRow, given_name: 'Other' }];
    const grades = [grade('G1', 'C1'), { ...grade('G1', 'C1'), grade: 'F' }];
    const courses = [course('C1'), { ...course('C1'), title: 'Duplicate' }];
    const read = assembleLearnerRecords(
      'S1',
      own({ learners, courseGrades: grades }),
      catalogue({ courses }),
    );
    const reversed = assembleLearnerRecords(
      'S1',
      own({ learners: [...learners].reverse(), courseGrades: [...grades].reverse() }),
      catalogue({ courses: [...courses].reverse() }),
    );
    expect(reversed.records).toEqual(read.records);
    // Same updated_at: the first in a fixed order of their content.
    expect(read.records!.learner.givenName).toBe('Other');
    expect(read.records!.courseGrades.map((row) => row.grade)).toEqual(['A']);
    expect(read.records!.courses.map((row) => row.title)).toEqual(['Course C1']);
    // A later updated_at wins.
    const later = assembleLearnerRecords(
      'S1',
      own({
        learners: [learnerRow, { ...learnerRow, given_name: 'Newer', updated_at: '2030-01-01T00:00:00Z' }],
      }),
      catalogue({}),
    );
    expect(later.records!.learner.givenName).toBe('Newer');
    expect(read.problems).toEqual([
      {
        recordSet: 'clr_learners',
        key: 'S1',
        reason: 'duplicate key: another row of clr_learners has the same key',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_course_grades',
        key: 'G1',
        reason: 'duplicate key: another row of clr_course_grades has the same key',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_courses',
        key: 'C1',
        reason: 'duplicate key: another row of clr_courses has the same key',
        effect: 'skipped',
      },
    ]);
  });

  it('skips rows pointing at unknown courses or competencies; drops unknown optional references', () => {
    const read = assembleLearnerRecords(
      'S1',
      own({
        courseGrades: [grade('G1', 'C404'), grade('G2', 'C1')],
        competencyResults: [result('R1', 'K404'), result('R2', 'K1', 'C404')],
        cocurriculars: [
          { activity_id: 'A1', learner_id: 'S1', name: 'Club', activity_type: 'Award', org_id: 'O404' },
        ],
      }),
      catalogue({
        courses: [course('C1', 'O404')],
        competencies: [competency('K1')],
        courseCompetencies: [{ course_id: 'C1', competency_id: 'K404' }],
      }),
    );
    const records = read.records!;
    expect(records.courseGrades.map((row) => row.gradeId)).toEqual(['G2']);
    expect(records.competencyResults).toEqual([expect.objectContaining({ resultId: 'R2', courseId: null })]);
    expect(records.courses[0].orgId).toBeNull();
    expect(records.cocurriculars[0].orgId).toBeNull();
    expect(records.courseCompetencies).toEqual([]);
    expect(read.problems).toEqual([
      {
        recordSet: 'clr_course_grades',
        key: 'G1',
        reason: 'course_id refers to no usable row of clr_courses',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_competency_results',
        key: 'R1',
        reason: 'competency_id refers to no usable row of clr_competencies',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_competency_results',
        key: 'R2',
        reason: 'course_id refers to no usable row of clr_courses: dropped',
        effect: 'degraded',
      },
      {
        recordSet: 'clr_course_competencies',
        key: 'C1/K404',
        reason: 'competency_id refers to no usable row of clr_competencies',
        effect: 'skipped',
      },
      {
        recordSet: 'clr_courses',
        key: 'C1',
        reason: 'org_id refers to no usable row of clr_organizations: dropped',
        effect: 'degraded',
      },
      {
        recordSet: 'clr_cocurriculars',
        key: 'A1',
        reason: 'org_id refers to no usable row of clr_organizations: dropped',
        effect: 'degraded',
      },
    ]);
  });

  it('reports problems of the catalogue rows a learner uses, and breaks organization cycles', () => {
    const read = assembleLearnerRecords(
      'S1',
      own({ courseGrades: [grade('G1', 'C1')] }),
      catalogue({
        courses: [{ ...course('C1', 'O1'), title: '  ' }],
        organizations: [org('O1', 'O2'), org('O2', 'O1')],
      }),
    );
    expect(read.records!.courses[0].title).toBeNull();
    expect(read.records!.organizations.map((row) => [row.orgId, row.parentOrgId])).toEqual([
      ['O1', 'O2'],
      ['O2', null],
    ]);
    expect(read.problems).toEqual([
      {
        recordSet: 'clr_courses',
        key: 'C1',
        reason: 'required column title is NULL or blank',
        effect: 'degraded',
      },
      {
        recordSet: 'clr_organizations',
        key: 'O2',
        reason: 'parent_org_id forms a cycle: dropped',
        effect: 'degraded',
      },
    ]);
  });

  it('keeps references into record sets that are not read (switched off in the configuration)', () => {
    const read = assembleLearnerRecords(
      'S1',
      own({
        competencyResults: [result('R1', 'K1')],
        cocurriculars: [
          { activity_id: 'A1', learner_id: 'S1', name: 'Club', activity_type: 'Award', org_id: 'O1' },
        ],
      }),
      catalogue({}, { competencies: false, organizations: false }),
    );
    expect(read.problems).toEqual([]);
    expect(read.records!.competencyResults.map((row) => row.competencyId)).toEqual(['K1']);
    expect(read.records!.cocurriculars[0].orgId).toBe('O1');
    expect(read.records!.organizations).toEqual([]);
  });
});
