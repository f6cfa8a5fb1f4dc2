import { Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StringColumn, TimestampColumn } from '../database/portable-column';
import { SyncRunEntity } from './sync-run.entity';

/** A SIS row a run skipped or degraded, with why (its own table: a run may report thousands). */
@Entity({ name: 'sync_problems' })
@Index('IDX_sync_problems_run', ['runId'])
export class SyncProblemEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'int' })
  id!: number;

  @StringColumn('run_id', 36)
  runId!: string;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'FK_sync_problems_run' })
  run?: SyncRunEntity;

  /** The SIS record set (view name of the contract). */
  @StringColumn('record_set', 64)
  recordSet!: string;

  /** The row's primary key in the SIS (never a name or a grade). */
  @StringColumn('record_key', 255)
  recordKey!: string;

  @StringColumn('reason', 1000)
  reason!: string;

  /** `skipped` or `degraded`, when the reader said. */
  @StringColumn('effect', 16, { nullable: true })
  effect!: string | null;

  /** HMAC learner reference of the learner concerned, when known. */
  @StringColumn('learner_ref', 128, { nullable: true })
  learnerRef!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
