import { type Achievement, type Assertion, type Clr, type Profile } from '@app/clr';
import { type LearnerRecords, type RecordProblem, type RecordSetName } from '@app/sis';
import { mapCocurricular } from './cocurricular.mapper';
import { mapCompetencyResult } from './competency.mapper';
import { mapCourseGrade } from './course.mapper';
import { mapDegree } from './degree.mapper';
import { type MappingContext } from './mapping-context';
import { MappingError } from './mapping.error';
import { MappingSession } from './mapping-session';
import { chooseRecipientSource, type RecipientBuilder, recipientBuilder } from './recipient';
import { compareText, isEmailAddress } from './text-bounds';
import { uniqueByKey } from './unique-rows';

/** What one learner's records became: the CLR and every row skipped or degraded on the way. */
export interface LearnerClrMapping {
  clr: Clr;
  problems: RecordProblem[];
}

/** Assertion order in the CLR: by kind in this order, then by SIS key. */
export const ASSERTION_KIND_ORDER = ['course-grade', 'competency-result', 'cocurricular', 'degree'] as const;

interface LearnerRow {
  learnerId: string;
  isDeleted: boolean;
  updatedAt: string;
}

function learnerProfile(
  session: MappingSession,
  records: LearnerRecords,
): { profile: Profile; email?: string } {
  const { learner } = records;
  const key = learner.learnerId;
  const set = 'clr_learners';
  const profile: Profile = {
    id: session.ids.learnerProfileId(key),
    type: 'Profile',
    studentId: key,
  };
  const sourcedId = learner.sourcedId?.trim();
  if (sourcedId !== undefined && sourcedId !== '') profile.sourcedId = sourcedId;
  const given = session.text(learner.givenName, 'personName', set, key, 'given_name');
  const family = session.text(learner.familyName, 'personName', set, key, 'family_name');
  const additional = session.text(learner.additionalName, 'personName', set, key, 'additional_name');
  if (given !== undefined) profile.givenName = given;
  if (additional !== undefined) profile.additionalName = additional;
  if (family !== undefined) profile.familyName = family;
  const fullName = [given, additional, family].filter((part) => part !== undefined).join(' ');
  if (fullName !== '') profile.name = fullName;
  let email: string | undefined;
  if (learner.email !== null && learner.email.trim() !== '') {
    const candidate = learner.email.trim().toLowerCase();
    if (isEmailAddress(candidate)) email = profile.email = candidate;
    else session.log.degraded(set, key, 'email is not an email address; left out');
  }
  const birthDate = session.date(learner.birthDate, set, key, 'birth_date');
  if (birthDate !== undefined) profile.birthDate = birthDate;
  return { profile, email };
}

/** The learner's own rows of one record set: deleted rows dropped, others' rows reported. */
function ownRows<T extends LearnerRow>(
  session: MappingSession,
  learnerId: string,
  rows: readonly T[],
  keyOf: (row: T) => string,
  recordSet: RecordSetName,
): T[] {
  const unique = uniqueByKey(rows, keyOf, recordSet, session.log);
  const own: T[] = [];
  for (const [key, row] of unique) {
    // A deleted row is not a problem: it is no longer asserted and publishing revokes it.
    if (row.isDeleted === true) continue;
    if (row.learnerId !== learnerId) {
      session.log.skipped(recordSet, key, 'the row belongs to another learner');
      continue;
    }
    own.push(row);
  }
  return own;
}

function collect<T>(rows: readonly T[], map: (row: T) => Assertion | undefined): Assertion[] {
  const assertions: Assertion[] = [];
  for (const row of rows) {
    const assertion = map(row);
    if (assertion !== undefined) assertions.push(assertion);
  }
  return assertions;
}

/**
 * Achievements that take part in an association (the courses that develop competencies and
 * those competencies), once each, courses first, each kind in key order. The CLR lists them in
 * `achievements` so a reader can follow `targetId`s; an asserted one is the same object as in
 * its assertion, as the standard requires ("they MUST match exactly").
 */
function associatedAchievements(session: MappingSession): Achievement[] {
  const listed: Achievement[] = [];
  const targets = new Set<string>();
  for (const key of [...session.courseAchievements.keys()].sort(compareText)) {
    const course = session.courseAchievements.get(key);
    if (course?.associations === undefined) continue;
    listed.push(course);
    for (const association of course.associations) targets.add(association.targetId);
  }
  for (const key of [...session.competencyAchievements.keys()].sort(compareText)) {
    const competency = session.competencyAchievements.get(key);
    if (competency !== undefined && targets.has(competency.id)) listed.push(competency);
  }
  return listed;
}

/**
 * Maps one learner's SIS records to a CLR 1.0 `Clr`. Pure and deterministic: the same records
 * and context give the same CLR, byte for byte, on every machine (no clock, randomness or I/O;
 * ids and recipient salts are HMACs keyed by `context.idSecret`). A bad row never fails the
 * learner: it is skipped or degraded and listed in `problems` (record set, key, reason; no
 * personal data in the reason). Throws {@link MappingError} only when the context is unusable or
 * the learner row has no `learnerId`.
 */
export function mapLearnerToClr(records: LearnerRecords, context: MappingContext): LearnerClrMapping {
  const learnerId = records.learner?.learnerId;
  if (typeof learnerId !== 'string' || learnerId.trim() === '') {
    throw new MappingError('records.learner.learnerId', 'is empty');
  }
  const session = new MappingSession(records, context);
  const { profile: learner, email } = learnerProfile(session, records);
  const { source, emailMissing } = chooseRecipientSource(session.recipientPolicy, learnerId, email);
  if (emailMissing) {
    session.log.degraded(
      'clr_learners',
      learnerId,
      'no usable email to identify the recipient; student id used',
    );
  }
  const recipient: RecipientBuilder = recipientBuilder(source, session.hashRecipient, (id) =>
    session.ids.recipientSalt(id),
  );

  const grades = ownRows(session, learnerId, records.courseGrades, (row) => row.gradeId, 'clr_course_grades');
  const results = ownRows(
    session,
    learnerId,
    records.competencyResults,
    (row) => row.resultId,
    'clr_competency_results',
  );
  const activities = ownRows(
    session,
    learnerId,
    records.cocurriculars,
    (row) => row.activityId,
    'clr_cocurriculars',
  );
  const degrees = ownRows(session, learnerId, records.degrees, (row) => row.degreeId, 'clr_degrees');

  const assertions = [
    ...collect(grades, (row) => mapCourseGrade(session, row, recipient)),
    ...collect(results, (row) => mapCompetencyResult(session, row, recipient)),
    ...collect(activities, (row) => mapCocurricular(session, row, recipient)),
    ...collect(degrees, (row) => mapDegree(session, row, recipient)),
  ];

  const clr: Clr = {
    id: session.ids.clrId(learnerId),
    type: 'Clr',
    name: `${session.institutionProfile.name} Comprehensive Learner Record`,
    issuedOn: session.issuedOn,
    learner,
    publisher: session.institutionProfile,
    partial: false,
  };
  const achievements = associatedAchievements(session);
  if (achievements.length > 0) clr.achievements = achievements;
  clr.assertions = assertions;
  // Shared objects (issuer profiles, achievements) were built once; a JSON round trip makes the
  // result plain, unaliased JSON data, so a later step (signing) can change one place without
  // changing another. (Not structuredClone: its objects come from another realm under jest.)
  return { clr: JSON.parse(JSON.stringify(clr)) as Clr, problems: session.log.list() };
}
