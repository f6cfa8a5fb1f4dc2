import { Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import {
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';
import { ClrVersionEntity } from './clr-version.entity';
import { DeliveryTargetEntity } from './delivery-target.entity';

export const DELIVERY_STATUSES = [
  'pending',
  'in_flight',
  'delivered',
  'retrying',
  'dead',
  'rejected',
  'superseded',
] as const;
/**
 * `pending` -> `in_flight` (claimed) -> `delivered` | `retrying` (-> `in_flight` again) |
 * `dead` (retries exhausted) | `rejected` (the provider refused it for good);
 * `pending`/`retrying` -> `superseded` when a newer version of the learner's CLR is queued
 * (`in_flight` -> `superseded` when the claiming handler finds the newer version first).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One CLR version sent (or to be sent) to one target. */
@Entity({ name: 'deliveries' })
@Unique('UQ_deliveries_target_version', ['targetId', 'clrVersionId'])
@Index('IDX_deliveries_learner_target_version', ['learnerRef', 'targetId', 'versionNumber'])
@Index('IDX_deliveries_status_next_attempt', ['status', 'nextAttemptAt'])
export class DeliveryEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  @StringColumn('target_id', 36)
  targetId!: string;

  @ManyToOne(() => DeliveryTargetEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'target_id', foreignKeyConstraintName: 'FK_deliveries_target' })
  target?: DeliveryTargetEntity;

  @StringColumn('learner_ref', 128)
  learnerRef!: string;

  @StringColumn('clr_version_id', 36)
  clrVersionId!: string;

  @ManyToOne(() => ClrVersionEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'clr_version_id', foreignKeyConstraintName: 'FK_deliveries_clr_version' })
  clrVersion?: ClrVersionEntity;

  /** The CLR version's number, copied so the supersede rule needs no join. */
  @IntColumn('version_number')
  versionNumber!: number;

  @StringColumn('status', 16)
  status!: DeliveryStatus;

  @IntColumn('attempts')
  attempts!: number;

  @IntColumn('last_http_status', { nullable: true })
  lastHttpStatus!: number | null;

  /** Short cause of the last failure (no personal data). */
  @StringColumn('last_error', 1000, { nullable: true })
  lastError!: string | null;

  /** The provider's imsx_StatusInfo: its own fields only, clipped (nothing else the body held). */
  @TextColumn('imsx_body', { nullable: true })
  imsxBody!: string | null;

  @TimestampColumn('next_attempt_at', { nullable: true })
  nextAttemptAt!: Date | null;

  @TimestampColumn('delivered_at', { nullable: true })
  deliveredAt!: Date | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
