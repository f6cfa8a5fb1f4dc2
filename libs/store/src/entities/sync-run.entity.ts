import { Entity, Index } from 'typeorm';
import {
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';

export const RUN_MODES = ['full', 'incremental', 'republish'] as const;
/**
 * `full` reads every learner and reconciles what vanished; `incremental` reads changes since the
 * watermarks; `republish` rebuilds the learners an operator named (their ids are in the run's plan).
 */
export type RunMode = (typeof RUN_MODES)[number];

export const RUN_TRIGGERS = ['cron', 'operator', 'cli'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses a run never leaves. */
export const FINISHED_RUN_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number];

/** One extraction of a SIS source: what it was asked to do, how far it got, what it will commit. */
@Entity({ name: 'sync_runs' })
@Index('IDX_sync_runs_source_status', ['source', 'status'])
@Index('IDX_sync_runs_created_at', ['createdAt'])
export class SyncRunEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  /** The SIS source's name in the configuration. */
  @StringColumn('source', 100)
  source!: string;

  @StringColumn('mode', 16)
  mode!: RunMode;

  // `trigger` is a reserved word in SQL; the column says who triggered the run.
  @StringColumn('triggered_by', 16)
  trigger!: RunTrigger;

  /** Operator or CLI user that asked for the run, when there was one. */
  @StringColumn('requested_by', 200, { nullable: true })
  requestedBy!: string | null;

  @StringColumn('status', 16)
  status!: RunStatus;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('started_at', { nullable: true })
  startedAt!: Date | null;

  @TimestampColumn('finished_at', { nullable: true })
  finishedAt!: Date | null;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  @IntColumn('learners_seen')
  learnersSeen!: number;

  @IntColumn('learners_built')
  learnersBuilt!: number;

  @IntColumn('learners_unchanged')
  learnersUnchanged!: number;

  @IntColumn('learners_failed')
  learnersFailed!: number;

  @IntColumn('deliveries_queued')
  deliveriesQueued!: number;

  @IntColumn('assertions_signed')
  assertionsSigned!: number;

  @IntColumn('problem_count')
  problemCount!: number;

  /**
   * JSON object record set -> watermark value this run commits when it succeeds. Kept on the
   * run (not in `watermarks`) until then, so a failed run never moves a watermark.
   */
  @TextColumn('pending_watermarks', { nullable: true })
  pendingWatermarks!: string | null;

  /** Why the run failed or was cancelled (no personal data). */
  @StringColumn('error', 1000, { nullable: true })
  error!: string | null;
}
