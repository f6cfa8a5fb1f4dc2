import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TextColumn, TimestampColumn } from '../database/portable-column';

/** Who did what to which subject, and when (operator actions, key rotations, revocations...). */
@Entity({ name: 'audit_log' })
@Index('IDX_audit_log_subject', ['subject'])
@Index('IDX_audit_log_at', ['at'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'int' })
  id!: number;

  /** Operator name, `cli`, `system`... */
  @StringColumn('actor', 200)
  actor!: string;

  /** Dotted verb, e.g. `keys.rotate`, `assertion.revoke`. */
  @StringColumn('action', 100)
  action!: string;

  /** The object acted on (a kid, a run id, an assertion id...). */
  @StringColumn('subject', 400, { nullable: true })
  subject!: string | null;

  /** Free text or JSON (no personal data). */
  @TextColumn('details', { nullable: true })
  details!: string | null;

  @TimestampColumn('at')
  at!: Date;
}
