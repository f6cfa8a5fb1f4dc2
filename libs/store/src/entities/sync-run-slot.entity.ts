import { Entity } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TimestampColumn } from '../database/portable-column';

/**
 * The active run of a SIS source. The primary key on `source` is the database's guarantee that a
 * source has at most one active run, whichever process triggers it; the row goes when its run ends.
 */
@Entity({ name: 'sync_run_slots' })
export class SyncRunSlotEntity {
  @PrimaryStringColumn('source', 100)
  source!: string;

  @StringColumn('run_id', 36)
  runId!: string;

  @TimestampColumn('acquired_at')
  acquiredAt!: Date;
}
