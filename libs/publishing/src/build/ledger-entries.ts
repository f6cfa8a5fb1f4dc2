import { type Clr } from '@app/clr';
import { type AssertionKind, type ClrIdFactory } from '@app/mapping';
import { type LearnerRecords } from '@app/sis';
import { type LedgerEntryInput } from '@app/store';

/** A ledger entry plus the Profile that issued the assertion (whose revocation list it goes on). */
export interface IssuedAssertion extends LedgerEntryInput {
  issuerId: string;
}

/**
 * The assertions a CLR carries, with the SIS row each came from: assertion ids are HMACs of
 * (kind, row key), so they are matched against the learner's rows of each assertion kind.
 * Assertions whose row is not among `records` (none, when the mapping is consistent) are left out.
 */
export function issuedAssertions(clr: Clr, records: LearnerRecords, ids: ClrIdFactory): IssuedAssertion[] {
  const sources = new Map<string, { kind: AssertionKind; key: string }>();
  const add = (kind: AssertionKind, key: string): void => {
    sources.set(ids.assertionId(kind, key), { kind, key });
  };
  for (const row of records.courseGrades) add('course-grade', row.gradeId);
  for (const row of records.competencyResults) add('competency-result', row.resultId);
  for (const row of records.cocurriculars) add('cocurricular', row.activityId);
  for (const row of records.degrees) add('degree', row.degreeId);
  const issued: IssuedAssertion[] = [];
  for (const assertion of clr.assertions ?? []) {
    const source = sources.get(assertion.id);
    const achievementId = assertion.achievement?.id;
    const issuerId = assertion.achievement?.issuer?.id;
    if (source === undefined || achievementId === undefined || issuerId === undefined) continue;
    issued.push({
      assertionId: assertion.id,
      sourceKind: source.kind,
      sourceKey: source.key,
      achievementId,
      issuerId,
    });
  }
  return issued;
}

/** Assertion id -> issuer Profile id, read from a stored CLR JSON (for revoking what vanished). */
export function issuersInStoredClr(unsignedJson: string): Map<string, string> {
  const issuers = new Map<string, string>();
  const clr = JSON.parse(unsignedJson) as Clr;
  for (const assertion of clr.assertions ?? []) {
    const issuerId = assertion.achievement?.issuer?.id;
    if (typeof assertion.id === 'string' && typeof issuerId === 'string') issuers.set(assertion.id, issuerId);
  }
  return issuers;
}

/** Profile ids that issue something in the CLR (each needs a signer). */
export function issuingProfiles(clr: Clr): Set<string> {
  const profiles = new Set<string>();
  if (clr.publisher?.id !== undefined) profiles.add(clr.publisher.id);
  for (const assertion of clr.assertions ?? []) {
    const issuerId = assertion.achievement?.issuer?.id;
    if (issuerId !== undefined) profiles.add(issuerId);
  }
  return profiles;
}
