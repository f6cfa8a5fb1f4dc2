import { type Alignment, type Assertion, type Clr } from '@app/clr';
import {
  type CocurricularRecord,
  type CompetencyRecord,
  type CompetencyResultRecord,
  type CourseCompetencyRecord,
  type CourseGradeRecord,
  type CourseRecord,
  type DegreeRecord,
  type LearnerRecord,
  type LearnerRecords,
  type OrganizationRecord,
} from '@app/sis';
import { type AssertionKind, ClrIdFactory } from '../src/clr-id.factory';
import { type MappingContext } from '../src/mapping-context';

/** Plain-data builders of SIS rows for the mapping tests: valid defaults, override what a test needs. */
export const LEARNER_ID = 'S1001';
export const UPDATED = '2024-12-20T10:00:00Z';
export const GEOMETRY_URI =
  'http://localhost:3000/ims/case/v1p0/CFItems/3d8cdec5-83d6-49b4-9300-91a824c59758';
export const PLANE_URI = 'http://localhost:3000/ims/case/v1p0/CFItems/9d8d5691-3c65-4f95-af82-858844732458';

export const learner = (over: Partial<LearnerRecord> = {}): LearnerRecord => ({
  learnerId: LEARNER_ID,
  sourcedId: 'sourced-1001',
  givenName: 'Ada',
  familyName: 'Lovelace',
  additionalName: null,
  email: 'Ada.Lovelace@Example.edu',
  birthDate: '2003-12-10',
  updatedAt: UPDATED,
  ...over,
});

export const organization = (over: Partial<OrganizationRecord> = {}): OrganizationRecord => ({
  orgId: 'ORG-MATH',
  name: 'Department of Mathematics',
  url: 'https://math.example.edu',
  email: 'math@example.edu',
  parentOrgId: 'ORG-SCI',
  updatedAt: UPDATED,
  ...over,
});

export const course = (over: Partial<CourseRecord> = {}): CourseRecord => ({
  courseId: 'C-MATH-101',
  code: 'MATH-101',
  title: 'Calculus I',
  description: 'Limits, derivatives and integrals.',
  credits: 4,
  orgId: 'ORG-MATH',
  level: 'Undergraduate',
  fieldOfStudy: 'Mathematics',
  updatedAt: UPDATED,
  ...over,
});

export const grade = (over: Partial<CourseGradeRecord> = {}): CourseGradeRecord => ({
  gradeId: 'G-1',
  learnerId: LEARNER_ID,
  courseId: 'C-MATH-101',
  term: '2024FA',
  termStart: '2024-08-26',
  termEnd: '2024-12-13',
  grade: 'A-',
  percent: 91.5,
  creditsEarned: 4,
  status: 'Completed',
  awardedOn: '2024-12-18',
  updatedAt: UPDATED,
  isDeleted: false,
  ...over,
});

export const competency = (over: Partial<CompetencyRecord> = {}): CompetencyRecord => ({
  competencyId: 'K-GEO',
  name: 'Geometry and measurement',
  description: null,
  code: 'GEO',
  caseItemUri: GEOMETRY_URI,
  caseFrameworkUri: null,
  updatedAt: UPDATED,
  ...over,
});

export const competencyResult = (over: Partial<CompetencyResultRecord> = {}): CompetencyResultRecord => ({
  resultId: 'R-1',
  learnerId: LEARNER_ID,
  competencyId: 'K-GEO',
  level: 'Proficient',
  score: 87,
  courseId: 'C-MATH-101',
  assessedOn: '2024-12-10',
  updatedAt: UPDATED,
  isDeleted: false,
  ...over,
});

export const link = (over: Partial<CourseCompetencyRecord> = {}): CourseCompetencyRecord => ({
  courseId: 'C-MATH-101',
  competencyId: 'K-GEO',
  updatedAt: UPDATED,
  ...over,
});

export const cocurricular = (over: Partial<CocurricularRecord> = {}): CocurricularRecord => ({
  activityId: 'A-1',
  learnerId: LEARNER_ID,
  name: 'Math tutoring',
  activityType: 'CommunityService',
  description: 'Peer tutoring in the learning centre.',
  role: 'Tutor',
  hours: 40,
  orgId: null,
  startDate: '2024-01-15',
  endDate: '2024-05-10',
  awardedOn: null,
  updatedAt: UPDATED,
  isDeleted: false,
  ...over,
});

export const degree = (over: Partial<DegreeRecord> = {}): DegreeRecord => ({
  degreeId: 'D-1',
  learnerId: LEARNER_ID,
  name: 'Bachelor of Science',
  degreeType: 'Degree',
  fieldOfStudy: 'Mathematics',
  specialization: 'Applied Mathematics',
  conferredOn: '2024-12-20',
  updatedAt: UPDATED,
  isDeleted: false,
  ...over,
});

/** One learner with one row of every kind, all linked. */
export const fullRecords = (over: Partial<LearnerRecords> = {}): LearnerRecords => ({
  learner: learner(),
  courseGrades: [grade()],
  competencyResults: [competencyResult()],
  cocurriculars: [cocurricular()],
  degrees: [degree()],
  courses: [course()],
  competencies: [competency()],
  courseCompetencies: [link()],
  organizations: [
    organization(),
    organization({ orgId: 'ORG-SCI', name: 'College of Science', parentOrgId: null, url: null, email: null }),
  ],
  ...over,
});

export const emptyRecords = (over: Partial<LearnerRecords> = {}): LearnerRecords => ({
  learner: learner(),
  courseGrades: [],
  competencyResults: [],
  cocurriculars: [],
  degrees: [],
  courses: [],
  competencies: [],
  courseCompetencies: [],
  organizations: [],
  ...over,
});

export const GEOMETRY_ALIGNMENT: Alignment = {
  type: 'Alignment',
  targetType: 'CFItem',
  targetUrl: GEOMETRY_URI,
  targetCode: 'H.A.MATH.GM',
  targetName: 'Properties and measurements of and relationships among two?- and three-dimensional shapes',
  targetFramework: 'ACT Holistic Framework, Math',
};

export const context = (over: Partial<MappingContext> = {}): MappingContext => ({
  publicBaseUrl: 'https://clr.example.edu',
  idSecret: 'test-secret-test-secret-test-secret-0001',
  institution: {
    id: 'example-u',
    name: 'Example University',
    url: 'https://www.example.edu',
    email: 'registrar@example.edu',
  },
  alignments: new Map([[GEOMETRY_URI, GEOMETRY_ALIGNMENT]]),
  issuedOn: '2025-01-15T02:00:00Z',
  ...over,
});

/** The assertion a row became, found by the id the factory gives that row. */
export function assertionFor(
  clr: Clr,
  kind: AssertionKind,
  key: string,
  ctx: MappingContext = context(),
): Assertion | undefined {
  const id = new ClrIdFactory(ctx.publicBaseUrl, ctx.idSecret).assertionId(kind, key);
  return clr.assertions?.find((assertion) => assertion.id === id);
}

/** Every string value anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(allStrings);
  return [];
}
