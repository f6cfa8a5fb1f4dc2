/**
 * The record sets of the SIS contract, as the reader hands them on: columns renamed to
 * camelCase, strings trimmed (blank -> null), decimals as numbers, dates as `YYYY-MM-DD`,
 * timestamps as ISO 8601 strings in UTC. Nullable columns are `null` when absent.
 */

export interface LearnerRecord {
  learnerId: string;
  sourcedId: string | null;
  givenName: string | null;
  familyName: string | null;
  additionalName: string | null;
  email: string | null;
  birthDate: string | null;
  updatedAt: string;
}

export interface OrganizationRecord {
  orgId: string;
  name: string | null;
  url: string | null;
  email: string | null;
  parentOrgId: string | null;
  updatedAt: string;
}

export interface CourseRecord {
  courseId: string;
  code: string | null;
  title: string | null;
  description: string | null;
  credits: number | null;
  orgId: string | null;
  level: string | null;
  fieldOfStudy: string | null;
  updatedAt: string;
}

export type CourseGradeStatus = 'Completed' | 'Failed' | 'Withdrew' | 'InProgress';

export interface CourseGradeRecord {
  gradeId: string;
  learnerId: string;
  courseId: string;
  term: string | null;
  termStart: string | null;
  termEnd: string | null;
  grade: string | null;
  percent: number | null;
  creditsEarned: number | null;
  /** As read; the mapping decides what an unknown status means. */
  status: string | null;
  awardedOn: string | null;
  updatedAt: string;
  isDeleted: boolean;
}

export interface CompetencyRecord {
  competencyId: string;
  name: string | null;
  description: string | null;
  code: string | null;
  caseItemUri: string | null;
  caseFrameworkUri: string | null;
  updatedAt: string;
}

export interface CompetencyResultRecord {
  resultId: string;
  learnerId: string;
  competencyId: string;
  level: string | null;
  score: number | null;
  courseId: string | null;
  assessedOn: string | null;
  updatedAt: string;
  isDeleted: boolean;
}

export interface CourseCompetencyRecord {
  courseId: string;
  competencyId: string;
  updatedAt: string;
}

export interface CocurricularRecord {
  activityId: string;
  learnerId: string;
  name: string | null;
  activityType: string | null;
  description: string | null;
  role: string | null;
  hours: number | null;
  orgId: string | null;
  startDate: string | null;
  endDate: string | null;
  awardedOn: string | null;
  updatedAt: string;
  isDeleted: boolean;
}

export interface DegreeRecord {
  degreeId: string;
  learnerId: string;
  name: string | null;
  degreeType: string | null;
  fieldOfStudy: string | null;
  specialization: string | null;
  conferredOn: string | null;
  updatedAt: string;
  isDeleted: boolean;
}

/** The record sets of the contract, by their default view name. */
export const RECORD_SETS = [
  'clr_learners',
  'clr_organizations',
  'clr_courses',
  'clr_course_grades',
  'clr_competencies',
  'clr_competency_results',
  'clr_course_competencies',
  'clr_cocurriculars',
  'clr_degrees',
] as const;
export type RecordSetName = (typeof RECORD_SETS)[number];

/**
 * Everything the mapping needs to build one learner's CLR: the learner's own rows plus the
 * catalogue rows (courses, competencies, organizations, course-competency links) they refer to.
 */
export interface LearnerRecords {
  learner: LearnerRecord;
  courseGrades: CourseGradeRecord[];
  competencyResults: CompetencyResultRecord[];
  cocurriculars: CocurricularRecord[];
  degrees: DegreeRecord[];
  courses: CourseRecord[];
  competencies: CompetencyRecord[];
  courseCompetencies: CourseCompetencyRecord[];
  organizations: OrganizationRecord[];
}

/** A row skipped or degraded, with why: what a run reports to the registrar. */
export interface RecordProblem {
  recordSet: RecordSetName;
  /** The row's primary key (never a learner's name or grade). */
  key: string;
  reason: string;
  /** `skipped`: the row contributes nothing; `degraded`: used with a value dropped or defaulted. */
  effect: 'skipped' | 'degraded';
}
