import { Entity } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TimestampColumn } from '../database/portable-column';

/** The committed high-water mark of one record set of one SIS source. */
@Entity({ name: 'watermarks' })
export class WatermarkEntity {
  @PrimaryStringColumn('source', 100)
  source!: string;

  @PrimaryStringColumn('record_set', 64)
  recordSet!: string;

  /** Opaque to the store; the SIS reader writes an ISO 8601 UTC timestamp. */
  @StringColumn('value', 255)
  value!: string;

  /** The run that committed it (none when set by an operator). */
  @StringColumn('run_id', 36, { nullable: true })
  runId!: string | null;

  @TimestampColumn('committed_at')
  committedAt!: Date;
}
