import { type ExtractStatus, type RunMode, type RunStatus, type RunTrigger } from '@app/store';

/** A problem a run met, as reported (no names or grades: record set, SIS key, reason). */
export interface RunProblemSummary {
  recordSet: string;
  key: string;
  reason: string;
  effect: string | null;
  learnerRef: string | null;
}

/** The counters of a run. */
export interface RunCounts {
  /** Learner ids the extraction found (each built once). */
  learnersSeen: number;
  /** Learners with a new CLR version signed and stored. */
  learnersBuilt: number;
  learnersUnchanged: number;
  /** Learners whose CLR was invalid (never signed or delivered), or whose batch failed. */
  learnersFailed: number;
  /** Learners the SIS no longer has whose assertions or CLR this run revoked. */
  learnersRemoved: number;
  deliveriesQueued: number;
  assertionsSigned: number;
  assertionsRevoked: number;
  problemCount: number;
}

/** Where a run is and what it did: what `sync --wait` prints and the admin API shows. */
export interface RunSummary {
  id: string;
  source: string;
  mode: RunMode;
  trigger: RunTrigger;
  requestedBy: string | null;
  status: RunStatus;
  /** Why it failed or was cancelled. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  extract: ExtractStatus | null;
  batches: { total: number; done: number; failed: number };
  counts: RunCounts;
  /** The first problems (up to the limit asked for), oldest first. */
  problems: RunProblemSummary[];
  /** Watermarks the run commits when it succeeds (committed already when it did). */
  watermarks: Record<string, string>;
}
