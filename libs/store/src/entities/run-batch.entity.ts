import { Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import {
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';
import { SyncRunEntity } from './sync-run.entity';

export const BATCH_STATUSES = ['pending', 'done', 'failed'] as const;
/** `pending` -> `done` (built) | `failed` (retries exhausted); each transition happens once. */
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * A batch of a run's learners to build. The learner ids live here, not in Redis: a build job
 * carries only the run and batch ids.
 */
@Entity({ name: 'run_batches' })
@Unique('UQ_run_batches_run_seq', ['runId', 'seq'])
@Index('IDX_run_batches_run_status', ['runId', 'status'])
export class RunBatchEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  @StringColumn('run_id', 36)
  runId!: string;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'FK_run_batches_run' })
  run?: SyncRunEntity;

  /** 1, 2, 3... within the run, in extraction order. */
  @IntColumn('seq')
  seq!: number;

  /** JSON array of SIS learner ids (personal data: never logged or queued). */
  @TextColumn('learner_ids')
  learnerIds!: string;

  @IntColumn('learner_count')
  learnerCount!: number;

  @StringColumn('status', 16)
  status!: BatchStatus;

  /** Why the batch failed (no personal data). */
  @StringColumn('error', 1000, { nullable: true })
  error!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('finished_at', { nullable: true })
  finishedAt!: Date | null;
}
