/** Prefix of every metric the publisher defines. */
export const METRIC_PREFIX = 'clr_publisher_';

/** The publisher's metrics by name, for dashboards, alerts and tests. */
export const METRIC_NAMES = {
  /** Counter `{status}`: runs that reached a status (queued, completed, failed, cancelled ...). */
  runs: 'clr_publisher_runs_total',
  /** Counter `{outcome}`: learners whose build finished, by outcome. */
  learnersBuilt: 'clr_publisher_learners_built_total',
  /** Counter: CLRs signed (one per stored CLR version). */
  clrsSigned: 'clr_publisher_clrs_signed_total',
  /** Counter `{outcome,target}`: delivery attempts that ended, by outcome and target name. */
  deliveries: 'clr_publisher_deliveries_total',
  /** Histogram `{stage}`: seconds one unit of work took (extract: a run's extraction, build: a batch, deliver: one post). */
  stageDuration: 'clr_publisher_stage_duration_seconds',
  /** Gauge `{queue,state}`: jobs per BullMQ queue and state, read from Redis at each scrape. */
  queueJobs: 'clr_publisher_queue_jobs',
  /** Gauge `{queue}`: 1 when the last scrape could read the queue's counts, else 0. */
  queueUp: 'clr_publisher_queue_up',
  /** Counter: audit entries that could not be written (the call itself succeeded). */
  auditFailures: 'clr_publisher_audit_write_failures_total',
} as const;

/** Work stages timed by {@link METRIC_NAMES.stageDuration}. */
export const STAGES = ['extract', 'build', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Outcomes of one learner's build: `changed` (a new version was signed and stored),
 * `unchanged` (same content hash as the last version), `invalid` (the CLR failed validation),
 * `failed` (an error stopped it).
 */
export type LearnerBuildOutcome = 'changed' | 'unchanged' | 'invalid' | 'failed';

/**
 * Outcomes of one delivery attempt: `delivered` (2xx), `retry` (scheduled again after a 5xx,
 * 429 or timeout), `failed` (permanent refusal), `dead` (out of attempts), `superseded` (a newer
 * version replaced it before it was sent).
 */
export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'dead' | 'superseded';

/** BullMQ job states counted by {@link METRIC_NAMES.queueJobs}. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'paused',
  'failed',
  'completed',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Histogram buckets of stage durations, seconds: 5 ms up to an hour (extraction of a large SIS). */
export const STAGE_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];
