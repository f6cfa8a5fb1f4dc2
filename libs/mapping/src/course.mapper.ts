import { type Achievement, type Alignment, type Assertion, type Association, type Result } from '@app/clr';
import { type CourseGradeRecord } from '@app/sis';
import { competencyAchievement } from './competency.mapper';
import { type MappingSession } from './mapping-session';
import { type RecipientBuilder } from './recipient';
import { parseResultStatus } from './result-status';
import { dateToDateTime } from './record-dates';
import { compareText } from './text-bounds';

/**
 * How a course points at the competencies it develops. CASE expresses containment with
 * `isChildOf` from the contained item to its parent; CLR 1.0 adds `isParentOf`, its inverse, so
 * the association can sit on the course. It must sit there: a competency achievement is shared by
 * every course and learner, so listing courses on it would make its content depend on whose CLR
 * it appears in, while a course's competencies come with the course from the catalogue.
 */
export const COURSE_COMPETENCY_ASSOCIATION = 'isParentOf' as const;

export const COURSE_RESULT_FRAGMENTS = {
  letterGrade: 'letter-grade',
  percent: 'percent',
  status: 'status',
} as const;

/**
 * The Achievement of a course (built once per course): `Course`, its code, credits, level, field
 * of study, its org unit as issuer, the three result descriptions every grade row may use, and
 * `isParentOf` associations (plus the CASE alignments) of the competencies it develops.
 * Undefined when the course row is missing or has neither title nor code.
 */
export function courseAchievement(session: MappingSession, courseId: string): Achievement | undefined {
  if (session.courseAchievements.has(courseId)) return session.courseAchievements.get(courseId);
  const course = session.courses.get(courseId);
  if (course === undefined) return undefined;
  const key = course.courseId;
  const code = session.text(course.code, 'code', 'clr_courses', key, 'code');
  const name = session.text(course.title, 'name', 'clr_courses', key, 'title') ?? code;
  if (name === undefined) {
    session.log.skipped('clr_courses', key, 'title and code are both empty');
    session.courseAchievements.set(courseId, undefined);
    return undefined;
  }
  const id = session.ids.achievementId('course', key);
  const achievement: Achievement = {
    id,
    type: 'Achievement',
    achievementType: 'Course',
    name,
    issuer: session.issuerFor(course.orgId, 'clr_courses', key),
  };
  const description = session.text(course.description, 'description', 'clr_courses', key, 'description');
  if (description !== undefined) achievement.description = description;
  if (code !== undefined) achievement.humanCode = code;
  const credits = session.nonNegative(course.credits, 'clr_courses', key, 'credits');
  if (credits !== undefined) achievement.creditsAvailable = credits;
  const level = session.text(course.level, 'level', 'clr_courses', key, 'level');
  if (level !== undefined) achievement.level = level;
  const field = session.text(course.fieldOfStudy, 'fieldOfStudy', 'clr_courses', key, 'field_of_study');
  if (field !== undefined) achievement.fieldOfStudy = field;
  achievement.resultDescriptions = [
    {
      id: `${id}#${COURSE_RESULT_FRAGMENTS.letterGrade}`,
      type: 'ResultDescription',
      name: 'Letter grade',
      resultType: 'LetterGrade',
      allowedValues: [...session.allowedGrades],
    },
    {
      id: `${id}#${COURSE_RESULT_FRAGMENTS.percent}`,
      type: 'ResultDescription',
      name: 'Percent',
      resultType: 'Percent',
      valueMin: '0',
      valueMax: '100',
    },
    {
      id: `${id}#${COURSE_RESULT_FRAGMENTS.status}`,
      type: 'ResultDescription',
      name: 'Status',
      resultType: 'Status',
    },
  ];

  const associations: Association[] = [];
  const alignments = new Map<string, Alignment>();
  const links = session.courseLinks.get(courseId) ?? new Map<string, unknown>();
  for (const competencyId of [...links.keys()].sort(compareText)) {
    const competency = competencyAchievement(session, competencyId);
    if (competency === undefined) {
      session.log.skipped(
        'clr_course_competencies',
        `${courseId}/${competencyId}`,
        'competency_id names no usable competency',
      );
      continue;
    }
    associations.push({
      associationType: COURSE_COMPETENCY_ASSOCIATION,
      targetId: competency.id,
      title: competency.name,
    });
    for (const alignment of competency.alignments ?? []) {
      if (!alignments.has(alignment.targetUrl)) alignments.set(alignment.targetUrl, alignment);
    }
  }
  if (alignments.size > 0) {
    achievement.alignments = [...alignments.keys()]
      .sort(compareText)
      .map((url) => alignments.get(url) as Alignment);
  }
  if (associations.length > 0) achievement.associations = associations;
  session.courseAchievements.set(courseId, achievement);
  return achievement;
}

/**
 * One grade row as an Assertion of its course: term, credits earned, term dates as activity
 * dates, `issuedOn` from awarded_on (else term_end, else updated_at), and its LetterGrade,
 * Percent and Status results. A retake is another row, so another assertion.
 */
export function mapCourseGrade(
  session: MappingSession,
  row: CourseGradeRecord,
  recipient: RecipientBuilder,
): Assertion | undefined {
  const key = row.gradeId;
  const set = 'clr_course_grades';
  if (row.courseId === null || row.courseId.trim() === '') {
    session.log.skipped(set, key, 'course_id is empty');
    return undefined;
  }
  if (!session.courses.has(row.courseId)) {
    session.log.skipped(set, key, 'course_id names no known course');
    return undefined;
  }
  const achievement = courseAchievement(session, row.courseId);
  if (achievement === undefined) {
    session.log.skipped(set, key, 'its course cannot be published (see clr_courses)');
    return undefined;
  }
  const id = session.ids.assertionId('course-grade', key);
  const results: Result[] = [];
  if (row.grade !== null && row.grade.trim() !== '') {
    const grade = session.gradeOf(row.grade);
    if (grade === undefined)
      session.log.degraded(set, key, 'grade is not on the configured grade scale; left out');
    else {
      results.push({
        type: 'Result',
        resultDescription: `${achievement.id}#${COURSE_RESULT_FRAGMENTS.letterGrade}`,
        value: grade.grade,
      });
    }
  }
  if (row.percent !== null) {
    if (Number.isFinite(row.percent) && row.percent >= 0 && row.percent <= 100) {
      results.push({
        type: 'Result',
        resultDescription: `${achievement.id}#${COURSE_RESULT_FRAGMENTS.percent}`,
        value: String(row.percent),
      });
    } else {
      session.log.degraded(set, key, 'percent is not between 0 and 100; left out');
    }
  }
  const status = parseResultStatus(row.status);
  if (status.kind === 'status') {
    results.push({
      type: 'Result',
      resultDescription: `${achievement.id}#${COURSE_RESULT_FRAGMENTS.status}`,
      status: status.status,
    });
  } else {
    session.log.degraded(
      set,
      key,
      status.kind === 'empty' ? 'status is empty; left out' : 'status is not a known status; left out',
    );
  }

  const start = session.date(row.termStart, set, key, 'term_start');
  const end = session.date(row.termEnd, set, key, 'term_end');
  const awarded = session.date(row.awardedOn, set, key, 'awarded_on');
  const updated = session.timestamp(row.updatedAt, set, key, 'updated_at');
  const assertion: Assertion = {
    id,
    type: 'Assertion',
    achievement,
    recipient: recipient(id),
    issuedOn: session.issuedOnFrom([
      awarded === undefined ? undefined : dateToDateTime(awarded),
      end === undefined ? undefined : dateToDateTime(end),
      updated,
    ]),
  };
  const term = session.text(row.term, 'term', set, key, 'term');
  if (term !== undefined) assertion.term = term;
  const credits = session.nonNegative(row.creditsEarned, set, key, 'credits_earned');
  if (credits !== undefined) assertion.creditsEarned = credits;
  Object.assign(assertion, session.activityDates(start, end, set, key, 'term_end'));
  if (results.length > 0) assertion.results = results;
  return assertion;
}
