import { Entity, Index, Unique } from 'typeorm';
import {
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';

/** One published state of a learner's CLR. Versions are numbered 1, 2, 3... per learner. */
@Entity({ name: 'clr_versions' })
@Unique('UQ_clr_versions_learner_version', ['learnerRef', 'version'])
@Index('IDX_clr_versions_clr_id', ['clrId'])
export class ClrVersionEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  /** HMAC learner reference: what indexes, logs and job payloads use. */
  @StringColumn('learner_ref', 128)
  learnerRef!: string;

  /**
   * The SIS learner id, kept so a republish can re-read the SIS. Personal data: it stays in
   * this column and never goes to logs, URLs or errors.
   */
  @StringColumn('learner_id', 255)
  learnerId!: string;

  @IntColumn('version')
  version!: number;

  /** Hash of the canonical unsigned content; equal hash = nothing to publish. */
  @StringColumn('content_hash', 128)
  contentHash!: string;

  /** The CLR's `id` (URL). */
  @StringColumn('clr_id', 400)
  clrId!: string;

  /** Compact JWS of the CLR (null when only the unsigned form is published). */
  @TextColumn('signed_payload', { nullable: true })
  signedPayload!: string | null;

  /** The CLR JSON-LD document. */
  @TextColumn('unsigned_json')
  unsignedJson!: string;

  @TimestampColumn('issued_on')
  issuedOn!: Date;

  /** Key id that signed it. */
  @StringColumn('key_id', 128, { nullable: true })
  keyId!: string | null;

  /** The run that built it (none for an operator republish outside a run). */
  @StringColumn('run_id', 36, { nullable: true })
  runId!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
