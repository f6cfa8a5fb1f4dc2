import { type Achievement, type AchievementType, type Assertion } from '@app/clr';
import { type CocurricularRecord } from '@app/sis';
import { parseAchievementType } from './achievement-type';
import { type MappingSession } from './mapping-session';
import { type RecipientBuilder } from './recipient';
import { dateToDateTime } from './record-dates';

/**
 * One co-curricular row as an Assertion of its own Achievement (the contract has no activity
 * catalogue, so the row defines it; its id derives from the row key and stays stable when the
 * name is corrected). `achievementType` is `activity_type` when the CLR enumeration has it, else
 * `ext:<Name>` (reported as degraded). The role goes to `role`, hours to the narrative (not
 * `creditsEarned`, which means academic credit), dates to the activity dates, and `issuedOn`
 * comes from awarded_on, else end_date, else updated_at.
 */
export function mapCocurricular(
  session: MappingSession,
  row: CocurricularRecord,
  recipient: RecipientBuilder,
): Assertion | undefined {
  const key = row.activityId;
  const set = 'clr_cocurriculars';
  const name = session.text(row.name, 'name', set, key, 'name');
  if (name === undefined) {
    session.log.skipped(set, key, 'name is empty');
    return undefined;
  }
  let achievementType: AchievementType = 'Co-Curricular';
  if (row.activityType === null || row.activityType.trim() === '') {
    session.log.degraded(set, key, 'activity_type is empty; published as Co-Curricular');
  } else {
    const parsed = parseAchievementType(row.activityType);
    if (parsed.kind === 'unusable') {
      achievementType = 'Achievement';
      session.log.degraded(set, key, 'activity_type has no usable characters; published as Achievement');
    } else {
      achievementType = parsed.type;
      if (parsed.kind === 'extension') {
        session.log.degraded(
          set,
          key,
          `activity_type is not a CLR achievement type; published as ${parsed.type}`,
        );
      }
    }
  }
  const achievement: Achievement = {
    id: session.ids.achievementId('cocurricular-achievement', key),
    type: 'Achievement',
    achievementType,
    name,
    issuer: session.issuerFor(row.orgId, set, key),
  };
  const description = session.text(row.description, 'description', set, key, 'description');
  if (description !== undefined) achievement.description = description;

  const id = session.ids.assertionId('cocurricular', key);
  const start = session.date(row.startDate, set, key, 'start_date');
  const end = session.date(row.endDate, set, key, 'end_date');
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
  const role = session.text(row.role, 'role', set, key, 'role');
  if (role !== undefined) assertion.role = role;
  const hours = session.nonNegative(row.hours, set, key, 'hours');
  if (hours !== undefined) assertion.narrative = `Hours: ${hours}`;
  Object.assign(assertion, session.activityDates(start, end, set, key, 'end_date'));
  return assertion;
}
