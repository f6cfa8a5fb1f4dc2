import { type RecordSetRecords } from '../contract/record-set-records';
import { type NormalizedRow } from '../normalize/row.normalizer';
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
  type RecordProblem,
  type RecordSetName,
} from '../records/sis-records';

/** One learner's read: their records (null when no usable learner row exists) and the problems met. */
export interface LearnerRead {
  learnerId: string;
  records: LearnerRecords | null;
  /** Rows of this learner, and catalogue rows they refer to, that were skipped or degraded. */
  problems: RecordProblem[];
}

/** The rows of one learner, as read (all of them, in key order). */
export interface LearnerRows {
  learners: NormalizedRow<'clr_learners'>[];
  courseGrades: NormalizedRow<'clr_course_grades'>[];
  competencyResults: NormalizedRow<'clr_competency_results'>[];
  cocurriculars: NormalizedRow<'clr_cocurriculars'>[];
  degrees: NormalizedRow<'clr_degrees'>[];
}

/** The catalogue rows a batch of learners refers to, by id. */
export interface CatalogueRows {
  courses: ReadonlyMap<string, NormalizedRow<'clr_courses'>[]>;
  competencies: ReadonlyMap<string, NormalizedRow<'clr_competencies'>[]>;
  /** By course id. */
  courseCompetencies: ReadonlyMap<string, NormalizedRow<'clr_course_competencies'>[]>;
  organizations: ReadonlyMap<string, NormalizedRow<'clr_organizations'>[]>;
  /** Whether each optional catalogue set is read: references into a set not read are kept as is. */
  read: { competencies: boolean; organizations: boolean };
}

/** Deepest chain of parent organizations followed. */
export const MAX_ORG_DEPTH = 32;

class ProblemLog {
  readonly problems: RecordProblem[] = [];
  private readonly seen = new Set<string>();

  add(problem: RecordProblem): void {
    const id = `${problem.recordSet}\u0000${problem.key}\u0000${problem.reason}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.problems.push(problem);
  }

  addAll(problems: readonly RecordProblem[]): void {
    for (const problem of problems) this.add(problem);
  }

  skip(recordSet: RecordSetName, key: string, reason: string): void {
    this.add({ recordSet, key, reason, effect: 'skipped' });
  }

  degrade(recordSet: RecordSetName, key: string, reason: string): void {
    this.add({ recordSet, key, reason, effect: 'degraded' });
  }
}

/**
 * Rows with a record, one per key; the other rows of a key are reported as duplicates. Which
 * one is kept does not depend on the order the database returned them in (rows of one key have
 * no order): the latest `updated_at`, then the first in a fixed order of their content, so the
 * same SIS always gives the same CLR.
 */
function usable<N extends RecordSetName>(
  recordSet: N,
  rows: readonly NormalizedRow<N>[],
  log: ProblemLog,
): RecordSetRecords[N][] {
  const byKey = new Map<string, RecordSetRecords[N][]>();
  for (const row of rows) {
    log.addAll(row.problems);
    if (row.record === null) continue;
    const same = byKey.get(row.key);
    if (same === undefined) byKey.set(row.key, [row.record]);
    else {
      same.push(row.record);
      log.skip(recordSet, row.key, `duplicate key: another row of ${recordSet} has the same key`);
    }
  }
  return [...byKey.values()].map((same) => (same.length === 1 ? same[0] : [...same].sort(keptFirst)[0]));
}

function keptFirst(a: { updatedAt: string }, b: { updatedAt: string }): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  const [left, right] = [canonical(a), canonical(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}

/** JSON with keys in a fixed order. */
function canonical(record: object): string {
  return JSON.stringify(record, Object.keys(record).sort());
}

/** The first usable catalogue row of an id, reporting its problems and duplicates. */
function lookup<N extends RecordSetName>(
  recordSet: N,
  rows: ReadonlyMap<string, NormalizedRow<N>[]>,
  id: string,
  log: ProblemLog,
): RecordSetRecords[N] | undefined {
  const candidates = rows.get(id);
  if (candidates === undefined) return undefined;
  return usable(recordSet, candidates, log)[0];
}

/**
 * Puts one learner's records together with the catalogue rows they refer to, checking what the
 * reader can see: one learner row, unique keys, references to existing courses, competencies and
 * organizations. Problems never throw: a bad row is skipped or degraded, and reported.
 */
export function assembleLearnerRecords(
  learnerId: string,
  own: LearnerRows,
  catalogue: CatalogueRows,
): LearnerRead {
  const log = new ProblemLog();
  const learners = usable('clr_learners', own.learners, log);
  const learner: LearnerRecord | undefined = learners[0];
  const grades = usable('clr_course_grades', own.courseGrades, log);
  const results = usable('clr_competency_results', own.competencyResults, log);
  const activities = usable('clr_cocurriculars', own.cocurriculars, log);
  const degrees = usable('clr_degrees', own.degrees, log);

  if (learner === undefined) {
    const orphan = 'learner_id refers to no row of clr_learners';
    for (const grade of grades) log.skip('clr_course_grades', grade.gradeId, orphan);
    for (const result of results) log.skip('clr_competency_results', result.resultId, orphan);
    for (const activity of activities) log.skip('clr_cocurriculars', activity.activityId, orphan);
    for (const degree of degrees) log.skip('clr_degrees', degree.degreeId, orphan);
    return { learnerId, records: null, problems: log.problems };
  }

  const courses = new Map<string, CourseRecord>();
  const course = (id: string): CourseRecord | undefined => {
    const known = courses.get(id);
    if (known !== undefined) return known;
    const found = lookup('clr_courses', catalogue.courses, id, log);
    if (found !== undefined) courses.set(id, found);
    return found;
  };
  const competencies = new Map<string, CompetencyRecord>();
  const competency = (id: string): CompetencyRecord | undefined => {
    const known = competencies.get(id);
    if (known !== undefined) return known;
    const found = lookup('clr_competencies', catalogue.competencies, id, log);
    if (found !== undefined) competencies.set(id, found);
    return found;
  };

  const courseGrades: CourseGradeRecord[] = [];
  for (const grade of grades) {
    if (course(grade.courseId) === undefined) {
      log.skip('clr_course_grades', grade.gradeId, 'course_id refers to no usable row of clr_courses');
      continue;
    }
    courseGrades.push(grade);
  }

  const competencyResults: CompetencyResultRecord[] = [];
  for (const result of results) {
    if (catalogue.read.competencies && competency(result.competencyId) === undefined) {
      log.skip(
        'clr_competency_results',
        result.resultId,
        'competency_id refers to no usable row of clr_competencies',
      );
      continue;
    }
    if (result.courseId !== null && course(result.courseId) === undefined) {
      log.degrade(
        'clr_competency_results',
        result.resultId,
        'course_id refers to no usable row of clr_courses: dropped',
      );
      competencyResults.push({ ...result, courseId: null });
      continue;
    }
    competencyResults.push(result);
  }

  const courseCompetencies: CourseCompetencyRecord[] = [];
  for (const courseId of [...courses.keys()].sort()) {
    const links = usable('clr_course_competencies', catalogue.courseCompetencies.get(courseId) ?? [], log);
    for (const link of links) {
      if (catalogue.read.competencies && competency(link.competencyId) === undefined) {
        log.skip(
          'clr_course_competencies',
          `${link.courseId}/${link.competencyId}`,
          'competency_id refers to no usable row of clr_competencies',
        );
        continue;
      }
      courseCompetencies.push(link);
    }
  }

  const organizations = new Map<string, OrganizationRecord>();
  const organization = (id: string): OrganizationRecord | undefined => {
    const known = organizations.get(id);
    if (known !== undefined) return known;
    const found = lookup('clr_organizations', catalogue.organizations, id, log);
    if (found !== undefined) organizations.set(id, found);
    return found;
  };
  /** Resolves an org reference and its parents; returns whether the reference is usable. */
  const resolveOrg = (id: string): boolean => {
    if (!catalogue.read.organizations) return true;
    const first = organization(id);
    if (first === undefined) return false;
    const chain = new Set<string>([id]);
    let current = first;
    for (let depth = 0; current.parentOrgId !== null; depth += 1) {
      const parentId = current.parentOrgId;
      const parent = chain.has(parentId) || depth >= MAX_ORG_DEPTH ? undefined : organization(parentId);
      if (parent === undefined) {
        const reason = chain.has(parentId)
          ? 'parent_org_id forms a cycle: dropped'
          : depth >= MAX_ORG_DEPTH
            ? `parent_org_id chain deeper than ${MAX_ORG_DEPTH}: dropped`
            : 'parent_org_id refers to no usable row of clr_organizations: dropped';
        log.degrade('clr_organizations', current.orgId, reason);
        const fixed = { ...current, parentOrgId: null };
        organizations.set(current.orgId, fixed);
        break;
      }
      chain.add(parentId);
      current = parent;
    }
    return true;
  };

  const includedCourses: CourseRecord[] = [];
  for (const id of [...courses.keys()].sort()) {
    const record = courses.get(id) as CourseRecord;
    if (record.orgId !== null && !resolveOrg(record.orgId)) {
      log.degrade(
        'clr_courses',
        record.courseId,
        'org_id refers to no usable row of clr_organizations: dropped',
      );
      includedCourses.push({ ...record, orgId: null });
    } else {
      includedCourses.push(record);
    }
  }

  const cocurriculars: CocurricularRecord[] = [];
  for (const activity of activities) {
    if (activity.orgId !== null && !resolveOrg(activity.orgId)) {
      log.degrade(
        'clr_cocurriculars',
        activity.activityId,
        'org_id refers to no usable row of clr_organizations: dropped',
      );
      cocurriculars.push({ ...activity, orgId: null });
    } else {
      cocurriculars.push(activity);
    }
  }

  const degreeRecords: DegreeRecord[] = degrees;
  return {
    learnerId,
    records: {
      learner,
      courseGrades,
      competencyResults,
      cocurriculars,
      degrees: degreeRecords,
      courses: includedCourses,
      competencies: [...competencies.keys()].sort().map((id) => competencies.get(id) as CompetencyRecord),
      courseCompetencies,
      organizations: [...organizations.keys()]
        .sort()
        .map((id) => organizations.get(id) as OrganizationRecord),
    },
    problems: log.problems,
  };
}
