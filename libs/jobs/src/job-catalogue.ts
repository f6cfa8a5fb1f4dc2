/**
 * The one job catalogue: every job the publisher queues, its payload and its queue.
 * Payloads carry ids only (never documents, secrets or SIS student ids): the truth lives in
 * the publisher's database, so a replayed or duplicated job changes nothing.
 */

export enum QueueName {
  Extract = 'extract',
  Build = 'build',
  Deliver = 'deliver',
}

export enum JobName {
  /** Page through a run's changed learners and write its build batches. */
  ExtractRun = 'extract-run',
  /** Build, sign and store the CLRs of one batch of a run's learners. */
  BuildBatch = 'build-batch',
  /** POST one stored CLR version to one target. */
  DeliverClr = 'deliver-clr',
}

export type JobItem =
  | { name: JobName.ExtractRun; data: { runId: string } }
  | { name: JobName.BuildBatch; data: { runId: string; batchId: string } }
  | { name: JobName.DeliverClr; data: { deliveryId: string } };

export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>['data'];

/** The compiler forces a queue for every new job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.ExtractRun]: QueueName.Extract,
  [JobName.BuildBatch]: QueueName.Build,
  [JobName.DeliverClr]: QueueName.Deliver,
};

/**
 * Deterministic BullMQ job ids: queueing the same work twice yields one job. A delivery is
 * queued again for each attempt (retries are rescheduled by the handler, which owns the
 * backoff and the attempt count in the database), hence the attempt in its id.
 */
export function jobIdOf(item: JobItem, attempt = 0): string {
  switch (item.name) {
    case JobName.ExtractRun:
      return `extract-${item.data.runId}`;
    case JobName.BuildBatch:
      return `build-${item.data.batchId}`;
    case JobName.DeliverClr:
      return `deliver-${item.data.deliveryId}-${attempt}`;
  }
}
