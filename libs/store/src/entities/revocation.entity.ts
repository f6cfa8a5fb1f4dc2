import { Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { StringColumn, TimestampColumn } from '../database/portable-column';

/** One revoked object (assertion, CLR, endorsement) on an issuer's revocation list. */
@Entity({ name: 'revocations' })
@Unique('UQ_revocations_issuer_object', ['issuerId', 'revokedId'])
@Index('IDX_revocations_revoked_id', ['revokedId'])
export class RevocationEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'int' })
  id!: number;

  /** The issuer Profile's `id` whose revocation list carries the entry. */
  @StringColumn('issuer_id', 255)
  issuerId!: string;

  /** The revoked object's `id` (URL). */
  @StringColumn('revoked_id', 400)
  revokedId!: string;

  @StringColumn('reason', 500, { nullable: true })
  reason!: string | null;

  @TimestampColumn('revoked_at')
  revokedAt!: Date;
}
