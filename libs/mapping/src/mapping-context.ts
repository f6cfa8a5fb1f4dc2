import { type Alignment } from '@app/clr';

/** One grade of the grade scale. */
export interface GradeScaleEntry {
  /** Whether the grade passes the course. */
  passing: boolean;
  /** Grade points (4.0 for A) when the grade counts toward a GPA; orders the scale. */
  points?: number;
}

/** Letter grade (as the SIS writes it, matched case-insensitively) -> its meaning. */
export type GradeScale = Readonly<Record<string, GradeScaleEntry>>;

/** Which learner attribute identifies the recipient of every assertion. */
export type RecipientIdentityPolicy = 'email-then-studentId' | 'email' | 'studentId';

/** The issuing institution: publisher of every CLR and issuer unless an org unit issues. */
export interface InstitutionInfo {
  /** The institution's own stable identifier; emitted as the publisher Profile's `sourcedId`. */
  id: string;
  name: string;
  url?: string;
  email?: string;
}

/** Everything besides the learner's records that decides the CLR. Plain data, no services. */
export interface MappingContext {
  /** Public base URL of the publisher (`https://clr.example.edu`); ids are built under it. */
  publicBaseUrl: string;
  /** Institution secret keying the HMAC of every id and recipient salt. Never logged. */
  idSecret: string;
  institution: InstitutionInfo;
  /** Defaults to {@link DEFAULT_GRADE_SCALE}. */
  gradeScale?: GradeScale;
  /** Defaults to `email-then-studentId`. */
  recipientIdentity?: RecipientIdentityPolicy;
  /** Hash the recipient identity (salted SHA-256). Defaults to true. */
  hashRecipientIdentity?: boolean;
  /** CASE item URI -> resolved Alignment (resolved before mapping, e.g. by `@app/case`). */
  alignments: ReadonlyMap<string, Alignment>;
  /**
   * A competency whose CASE item is missing from `alignments`: `keep-url` (default) aligns it to
   * the URI with the competency's name; `omit` leaves the alignment out.
   */
  unresolvedAlignment?: 'keep-url' | 'omit';
  /** Competency performance levels, lowest first. Defaults to {@link DEFAULT_PERFORMANCE_LEVELS}. */
  performanceLevels?: readonly string[];
  /** The CLR's `issuedOn` (ISO 8601 date-time with zone), given by the caller. */
  issuedOn: string;
}

/** A..F with +/-, pass/no pass, withdrawn, incomplete and in progress. */
export const DEFAULT_GRADE_SCALE: GradeScale = {
  A: { passing: true, points: 4 },
  // After A: equal points keep their declared order, and A+ ranks above A.
  'A+': { passing: true, points: 4 },
  'A-': { passing: true, points: 3.7 },
  'B+': { passing: true, points: 3.3 },
  B: { passing: true, points: 3 },
  'B-': { passing: true, points: 2.7 },
  'C+': { passing: true, points: 2.3 },
  C: { passing: true, points: 2 },
  'C-': { passing: true, points: 1.7 },
  'D+': { passing: true, points: 1.3 },
  D: { passing: true, points: 1 },
  'D-': { passing: true, points: 0.7 },
  F: { passing: false, points: 0 },
  P: { passing: true },
  NP: { passing: false },
  W: { passing: false },
  I: { passing: false },
  IP: { passing: false },
};

export const DEFAULT_PERFORMANCE_LEVELS: readonly string[] = [
  'Beginning',
  'Developing',
  'Proficient',
  'Mastered',
];

/**
 * The grades of a scale ordered from low to high, as `ResultDescription.allowedValues` wants:
 * first the non-passing grades without points (NP, W, I, IP), then the graded letters by points
 * (ties keep their declared order), then the passing grades without points (P). Sorting by points
 * rather than declaration order keeps the result right whatever order a configuration lists.
 */
export function orderGradeScale(scale: GradeScale): string[] {
  const entries = Object.entries(scale).map(([grade, entry], index) => ({ grade, entry, index }));
  const rank = (entry: GradeScaleEntry): number => {
    if (entry.points !== undefined) return 1;
    return entry.passing ? 2 : 0;
  };
  return entries
    .sort(
      (a, b) =>
        rank(a.entry) - rank(b.entry) || (a.entry.points ?? 0) - (b.entry.points ?? 0) || a.index - b.index,
    )
    .map((entry) => entry.grade);
}
