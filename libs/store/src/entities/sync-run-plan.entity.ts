import { Entity } from 'typeorm';
import {
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';

export const EXTRACT_STATUSES = ['pending', 'running', 'done'] as const;
/** `pending` (queued) -> `running` (paging the SIS; a retry finds it so) -> `done` (every batch written). */
export type ExtractStatus = (typeof EXTRACT_STATUSES)[number];

/**
 * How a run is carried out: what was asked (force, the learners of a republish), how far the
 * extraction got, and how many build batches exist and have finished. One row per run; the run's
 * completion is decided from it (extraction done and every batch settled).
 */
@Entity({ name: 'sync_run_plans' })
export class SyncRunPlanEntity {
  @PrimaryStringColumn('run_id', 36)
  runId!: string;

  /** JSON `{ force, learnerIds? }` (a republish's SIS learner ids: personal data, kept here only). */
  @TextColumn('request', { nullable: true })
  request!: string | null;

  @StringColumn('extract_status', 16)
  extractStatus!: ExtractStatus;

  @IntColumn('batches_total')
  batchesTotal!: number;

  @IntColumn('batches_done')
  batchesDone!: number;

  /** Batches given up after their retries: the run then fails and commits no watermark. */
  @IntColumn('batches_failed')
  batchesFailed!: number;

  /** Learners the SIS no longer has whose assertions were revoked. */
  @IntColumn('learners_removed')
  learnersRemoved!: number;

  @IntColumn('assertions_revoked')
  assertionsRevoked!: number;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
