import { type Achievement, type Alignment, type Assertion, type Result } from '@app/clr';
import { type CompetencyResultRecord } from '@app/sis';
import { type MappingSession } from './mapping-session';
import { type RecipientBuilder } from './recipient';
import { dateToDateTime } from './record-dates';
import { isAbsoluteUri } from './text-bounds';

export const COMPETENCY_RESULT_FRAGMENTS = {
  performanceLevel: 'performance-level',
  rawScore: 'raw-score',
} as const;

function alignmentFor(session: MappingSession, uri: string, name: string): Alignment | undefined {
  const resolved = session.alignments.get(uri);
  if (resolved !== undefined) return { ...resolved, targetUrl: uri };
  if (!session.keepUnresolvedAlignments) return undefined;
  return { type: 'Alignment', targetType: 'CFItem', targetUrl: uri, targetName: name };
}

/**
 * The Achievement of a competency (built once): `Competency`, its code, the CASE alignment of
 * its item (resolved, else the URI with the competency's name), a PerformanceLevel result
 * description whose rubric levels are the configured scale (lowest first) and a RawScore one.
 * Undefined when the row is missing or has neither name nor code.
 */
export function competencyAchievement(
  session: MappingSession,
  competencyId: string,
): Achievement | undefined {
  if (session.competencyAchievements.has(competencyId))
    return session.competencyAchievements.get(competencyId);
  const competency = session.competencies.get(competencyId);
  if (competency === undefined) return undefined;
  const key = competency.competencyId;
  const set = 'clr_competencies';
  const code = session.text(competency.code, 'code', set, key, 'code');
  const name = session.text(competency.name, 'name', set, key, 'name') ?? code;
  if (name === undefined) {
    session.log.skipped(set, key, 'name and code are both empty');
    session.competencyAchievements.set(competencyId, undefined);
    return undefined;
  }
  const id = session.ids.achievementId('competency', key);
  const achievement: Achievement = {
    id,
    type: 'Achievement',
    achievementType: 'Competency',
    name,
    issuer: session.institutionProfile,
  };
  const description = session.text(competency.description, 'description', set, key, 'description');
  if (description !== undefined) achievement.description = description;
  if (code !== undefined) achievement.humanCode = code;
  const uri = competency.caseItemUri?.trim();
  if (uri !== undefined && uri !== '') {
    if (!isAbsoluteUri(uri))
      session.log.degraded(set, key, 'case_item_uri is not an absolute URI; no alignment');
    else {
      const alignment = alignmentFor(session, uri, name);
      if (alignment !== undefined) achievement.alignments = [alignment];
    }
  }
  achievement.resultDescriptions = [
    {
      id: `${id}#${COMPETENCY_RESULT_FRAGMENTS.performanceLevel}`,
      type: 'ResultDescription',
      name: 'Performance level',
      resultType: 'PerformanceLevel',
      rubricCriterionLevels: session.performanceLevels.map((level) => ({
        id: `${id}#${level.fragment}`,
        type: 'RubricCriterionLevel',
        name: level.name,
      })),
    },
    {
      id: `${id}#${COMPETENCY_RESULT_FRAGMENTS.rawScore}`,
      type: 'ResultDescription',
      name: 'Score',
      resultType: 'RawScore',
    },
  ];
  session.competencyAchievements.set(competencyId, achievement);
  return achievement;
}

/**
 * One competency result as an Assertion: the PerformanceLevel result (`achievedLevel` = the
 * rubric level id), a RawScore result when there is a score, `issuedOn` from assessed_on (else
 * updated_at), and as `source` the issuer of the course it was assessed in.
 */
export function mapCompetencyResult(
  session: MappingSession,
  row: CompetencyResultRecord,
  recipient: RecipientBuilder,
): Assertion | undefined {
  const key = row.resultId;
  const set = 'clr_competency_results';
  if (!session.competencies.has(row.competencyId)) {
    session.log.skipped(set, key, 'competency_id names no known competency');
    return undefined;
  }
  const achievement = competencyAchievement(session, row.competencyId);
  if (achievement === undefined) {
    session.log.skipped(set, key, 'its competency cannot be published (see clr_competencies)');
    return undefined;
  }
  const results: Result[] = [];
  const level = row.level === null || row.level.trim() === '' ? undefined : session.levelOf(row.level);
  const levelProblem =
    row.level === null || row.level.trim() === ''
      ? 'level is empty'
      : level === undefined
        ? 'level is not on the configured scale'
        : undefined;
  if (level !== undefined) {
    results.push({
      type: 'Result',
      resultDescription: `${achievement.id}#${COMPETENCY_RESULT_FRAGMENTS.performanceLevel}`,
      achievedLevel: `${achievement.id}#${level.fragment}`,
      value: level.name,
    });
  }
  if (row.score !== null) {
    if (Number.isFinite(row.score)) {
      results.push({
        type: 'Result',
        resultDescription: `${achievement.id}#${COMPETENCY_RESULT_FRAGMENTS.rawScore}`,
        value: String(row.score),
      });
    } else {
      session.log.degraded(set, key, 'score is not a number; left out');
    }
  }
  if (levelProblem !== undefined) {
    if (results.length === 0) {
      session.log.skipped(set, key, `${levelProblem} and there is no score`);
      return undefined;
    }
    session.log.degraded(set, key, `${levelProblem}; only the score is published`);
  }

  const id = session.ids.assertionId('competency-result', key);
  const assessed = session.date(row.assessedOn, set, key, 'assessed_on');
  const updated = session.timestamp(row.updatedAt, set, key, 'updated_at');
  const assertion: Assertion = {
    id,
    type: 'Assertion',
    achievement,
    recipient: recipient(id),
    issuedOn: session.issuedOnFrom([assessed === undefined ? undefined : dateToDateTime(assessed), updated]),
    results,
  };
  if (assessed !== undefined) assertion.activityEndDate = dateToDateTime(assessed);
  if (row.courseId !== null && row.courseId.trim() !== '') {
    const course = session.courses.get(row.courseId);
    if (course === undefined)
      session.log.degraded(set, key, 'course_id names no known course; source left out');
    else assertion.source = session.issuerFor(course.orgId, 'clr_courses', course.courseId);
  }
  return assertion;
}
