import { type Achievement, type Assertion } from '@app/clr';
import { type DegreeRecord } from '@app/sis';
import { type MappingSession } from './mapping-session';
import { type RecipientBuilder } from './recipient';
import { compareDateTimes, dateToDateTime } from './record-dates';

const DEGREE_TYPES = ['Degree', 'Diploma', 'Certificate'] as const;
type DegreeType = (typeof DEGREE_TYPES)[number];

function degreeType(value: string | null): DegreeType | undefined {
  if (value === null) return undefined;
  const folded = value.trim().toLowerCase();
  return DEGREE_TYPES.find((type) => type.toLowerCase() === folded);
}

/**
 * One degree row as an Assertion of a `Degree`/`Diploma`/`Certificate` Achievement (defined by
 * the row, like co-curriculars) with field of study and specialization, issued by the
 * institution on conferred_on (else updated_at, reported). A degree conferred after the CLR's
 * `issuedOn` is not asserted yet.
 */
export function mapDegree(
  session: MappingSession,
  row: DegreeRecord,
  recipient: RecipientBuilder,
): Assertion | undefined {
  const key = row.degreeId;
  const set = 'clr_degrees';
  const name = session.text(row.name, 'name', set, key, 'name');
  if (name === undefined) {
    session.log.skipped(set, key, 'name is empty');
    return undefined;
  }
  let type = degreeType(row.degreeType);
  if (type === undefined) {
    type = 'Degree';
    session.log.degraded(set, key, 'degree_type is not Degree, Diploma or Certificate; published as Degree');
  }
  const achievement: Achievement = {
    id: session.ids.achievementId('degree-achievement', key),
    type: 'Achievement',
    achievementType: type,
    name,
    issuer: session.institutionProfile,
  };
  const field = session.text(row.fieldOfStudy, 'fieldOfStudy', set, key, 'field_of_study');
  if (field !== undefined) achievement.fieldOfStudy = field;
  const specialization = session.text(row.specialization, 'fieldOfStudy', set, key, 'specialization');
  if (specialization !== undefined) achievement.specialization = specialization;

  const id = session.ids.assertionId('degree', key);
  const conferred = session.date(row.conferredOn, set, key, 'conferred_on');
  if (conferred === undefined && (row.conferredOn === null || row.conferredOn.trim() === '')) {
    session.log.degraded(set, key, 'conferred_on is empty; issued on its last update');
  }
  if (conferred !== undefined && compareDateTimes(dateToDateTime(conferred), session.issuedOn) > 0) {
    session.log.skipped(set, key, 'conferred_on is after the CLR is issued; not conferred yet');
    return undefined;
  }
  const updated = session.timestamp(row.updatedAt, set, key, 'updated_at');
  return {
    id,
    type: 'Assertion',
    achievement,
    recipient: recipient(id),
    issuedOn: session.issuedOnFrom([
      conferred === undefined ? undefined : dateToDateTime(conferred),
      updated,
    ]),
  };
}
