import { type Clr, type Finding } from '@app/clr';
import { type CaseWarning } from '@app/case';
import { type RecordProblem } from '@app/sis';

/** When the CLR is made: the caller's clock, so a composition is reproducible. */
export interface ComposeOptions {
  /** The CLR's `issuedOn`: ISO 8601 date-time with a zone (`2025-07-15T12:00:00Z`). */
  issuedOn: string;
  /** The configured SIS source to read; default the first one. */
  sourceName?: string;
}

/** The SIS has no usable row of `clr_learners` for this id: nothing to publish. */
export interface UnknownLearnerComposition {
  status: 'unknown-learner';
  learnerId: string;
  /** Why, when rows exist but are unusable (the learner row skipped, their other rows orphaned). */
  problems: RecordProblem[];
}

/**
 * The CLR a learner gets now, unsigned, and everything met on the way. `invalid` when validation
 * found anything (`findings`) or the configuration forbids what was done (`reasons`, e.g. a CASE
 * item that fell back while `case.onUnresolved` is `fail`): such a CLR must not be published.
 */
export interface ClrComposition {
  status: 'ok' | 'invalid';
  learnerId: string;
  clr: Clr;
  /** Rows skipped or degraded, by the SIS reader and then by the mapping (record set, key, reason). */
  problems: RecordProblem[];
  /** CASE items resolved from a stale copy or not at all. */
  caseWarnings: CaseWarning[];
  /** What CLR 1.0 validation found (path and reason); empty when `ok`. */
  findings: Finding[];
  /** Why the CLR is `invalid` besides `findings`; empty when `ok`. */
  reasons: string[];
}

/** What composing one learner gave. */
export type LearnerComposition = UnknownLearnerComposition | ClrComposition;

/**
 * A learner whose records are read and CASE items resolved, composed when asked (mapping and
 * validation), so a batch holds only the CLRs it is working on. Each `compose` call composes
 * anew (nothing is kept) and gives an equal composition.
 */
export interface PendingComposition {
  learnerId: string;
  compose(): Promise<LearnerComposition>;
}
