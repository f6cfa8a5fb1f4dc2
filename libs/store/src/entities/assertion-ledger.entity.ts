import { Entity, Index } from 'typeorm';
import { IntColumn, PrimaryStringColumn, StringColumn, TimestampColumn } from '../database/portable-column';

export const LEDGER_STATUSES = ['active', 'revoked'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export const LEDGER_REVOKERS = ['build', 'operator'] as const;
/**
 * Who revoked an assertion. `build`: its SIS row vanished (or the learner did); a later build
 * that finds the row again reactivates it. `operator`: revoked by hand with a reason; builds
 * leave it revoked and omit it from the learner's CLR until an operator reinstates it.
 */
export type LedgerRevoker = (typeof LEDGER_REVOKERS)[number];

/** Every assertion the publisher ever issued, so vanished ones can be found and revoked. */
@Entity({ name: 'assertion_ledger' })
@Index('IDX_assertion_ledger_learner_status', ['learnerRef', 'status'])
@Index('IDX_assertion_ledger_achievement', ['achievementId'])
export class AssertionLedgerEntity {
  /** The assertion's `id` (URL). */
  @PrimaryStringColumn('assertion_id', 400)
  assertionId!: string;

  @StringColumn('learner_ref', 128)
  learnerRef!: string;

  /** What kind of SIS row it came from (e.g. `course_grade`, `degree`); the mapping names them. */
  @StringColumn('source_kind', 32)
  sourceKind!: string;

  /** That row's key in the SIS. */
  @StringColumn('source_key', 255)
  sourceKey!: string;

  @StringColumn('achievement_id', 400)
  achievementId!: string;

  @StringColumn('status', 16)
  status!: LedgerStatus;

  @StringColumn('revocation_reason', 500, { nullable: true })
  revocationReason!: string | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;

  /** Who revoked it (null while active; null on rows revoked before this was recorded: `build`). */
  @StringColumn('revoked_by', 16, { nullable: true })
  revokedBy!: LedgerRevoker | null;

  /** First and last CLR version (of this learner) that carried it. */
  @IntColumn('first_version')
  firstVersion!: number;

  @IntColumn('last_version')
  lastVersion!: number;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
