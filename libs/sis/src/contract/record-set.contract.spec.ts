import { SIS_RECORD_SET_NAMES } from '@app/config';
import { type RecordSetRecords } from './record-set-records';
import { RECORD_SETS } from '../records/sis-records';
import { RECORD_SET_CONTRACTS } from './record-set.contract';

/** One value of each record type, so the compiler checks the field lists below stay complete. */
const FIELDS: { [N in keyof RecordSetRecords]: Record<keyof RecordSetRecords[N], true> } = {
  clr_learners: {
    learnerId: true,
    sourcedId: true,
    givenName: true,
    familyName: true,
    additionalName: true,
    email: true,
    birthDate: true,
    updatedAt: true,
  },
  clr_organizations: { orgId: true, name: true, url: true, email: true, parentOrgId: true, updatedAt: true },
  clr_courses: {
    courseId: true,
    code: true,
    title: true,
    description: true,
    credits: true,
    orgId: true,
    level: true,
    fieldOfStudy: true,
    updatedAt: true,
  },
  clr_course_grades: {
    gradeId: true,
    learnerId: true,
    courseId: true,
    term: true,
    termStart: true,
    termEnd: true,
    grade: true,
    percent: true,
    creditsEarned: true,
    status: true,
    awardedOn: true,
    updatedAt: true,
    isDeleted: true,
  },
  clr_competencies: {
    competencyId: true,
    name: true,
    description: true,
    code: true,
    caseItemUri: true,
    caseFrameworkUri: true,
    updatedAt: true,
  },
  clr_competency_results: {
    resultId: true,
    learnerId: true,
    competencyId: true,
    level: true,
    score: true,
    courseId: true,
    assessedOn: true,
    updatedAt: true,
    isDeleted: true,
  },
  clr_course_competencies: { courseId: true, competencyId: true, updatedAt: true },
  clr_cocurriculars: {
    activityId: true,
    learnerId: true,
    name: true,
    activityType: true,
    description: true,
    role: true,
    hours: true,
    orgId: true,
    startDate: true,
    endDate: true,
    awardedOn: true,
    updatedAt: true,
    isDeleted: true,
  },
  clr_degrees: {
    degreeId: true,
    learnerId: true,
    name: true,
    degreeType: true,
    fieldOfStudy: true,
    specialization: true,
    conferredOn: true,
    updatedAt: true,
    isDeleted: true,
  },
};

describe('the SIS contract', () => {
  it('has the same record sets as the configuration schema knows', () => {
    expect([...SIS_RECORD_SET_NAMES]).toEqual([...RECORD_SETS]);
    expect(Object.keys(RECORD_SET_CONTRACTS)).toEqual([...RECORD_SETS]);
  });

  it.each(RECORD_SETS.map((set) => [set]))('%s fills exactly the fields of its record type', (set) => {
    const contract = RECORD_SET_CONTRACTS[set];
    expect(contract.columns.map((column) => column.field).sort()).toEqual(Object.keys(FIELDS[set]).sort());
    for (const key of contract.key) {
      expect(contract.columns.find((column) => column.column === key)).toMatchObject({
        kind: 'id',
        nullable: false,
      });
    }
  });

  it('lets only the catalogue and the optional views be switched off', () => {
    const optional = Object.values(RECORD_SET_CONTRACTS)
      .filter((contract) => contract.optional)
      .map((contract) => contract.name);
    expect(optional).not.toContain('clr_learners');
    expect(optional).not.toContain('clr_course_grades');
    expect(optional).not.toContain('clr_courses');
    expect(optional).toContain('clr_organizations');
  });
});
