/**
 * Test-only: finds a SIS's personal data in captured log lines. A learner's names, email, birth
 * date and identifiers are looked for wherever they stand alone (names bounded by non-letters,
 * case-sensitive; emails in any case); grades only in context (`"grade":"A-"`, `grade=B+`), since
 * a bare letter is everywhere.
 */
import type Database from 'better-sqlite3';

/** What the SIS knows about one learner that must never be logged. */
export interface LearnerIdentity {
  learnerId: string;
  sourcedId: string | null;
  givenName: string;
  familyName: string;
  email: string | null;
  birthDate: string | null;
}

/** The personal data of a demo SIS (or any SIS with the contract's tables). */
export interface SisPersonalData {
  learners: LearnerIdentity[];
  /** Letter grades recorded (A, A-, P, W...). */
  grades: string[];
  /** Percentages recorded. */
  percents: number[];
}

export type PersonalDataKind =
  'given name' | 'family name' | 'email' | 'birth date' | 'student id' | 'sourced id' | 'grade' | 'percent';

export interface PersonalDataFinding {
  /** 1-based line number in what was scanned. */
  line: number;
  kind: PersonalDataKind;
  value: string;
}

/** Reads every learner's identity and the grade values from the SIS. */
export function readSisPersonalData(db: Database.Database): SisPersonalData {
  const learners = (
    db
      .prepare(
        'SELECT learner_id, sourced_id, given_name, family_name, email, birth_date FROM clr_learners ORDER BY learner_id',
      )
      .all() as {
      learner_id: string;
      sourced_id: string | null;
      given_name: string;
      family_name: string;
      email: string | null;
      birth_date: string | null;
    }[]
  ).map((row) => ({
    learnerId: row.learner_id,
    sourcedId: row.sourced_id,
    // The SIS pads some names; a log would hold the trimmed form.
    givenName: row.given_name.trim(),
    familyName: row.family_name.trim(),
    email: row.email === null || row.email.trim() === '' ? null : row.email.trim(),
    birthDate: row.birth_date,
  }));
  const grades = db
    .prepare('SELECT DISTINCT grade FROM clr_course_grades WHERE grade IS NOT NULL')
    .pluck()
    .all() as string[];
  const percents = db
    .prepare('SELECT DISTINCT percent FROM clr_course_grades WHERE percent IS NOT NULL')
    .pluck()
    .all() as number[];
  return { learners, grades, percents };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` standing alone: not inside a longer run of letters or digits. */
function standalone(text: string, flags = 'u'): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(text)}(?![\\p{L}\\p{N}])`, flags);
}

interface Detector {
  kind: PersonalDataKind;
  value: string;
  pattern: RegExp;
}

function detectors(data: SisPersonalData): Detector[] {
  const found: Detector[] = [];
  const add = (kind: PersonalDataKind, value: string, pattern: RegExp): void => {
    found.push({ kind, value, pattern });
  };
  const seen = new Set<string>();
  for (const learner of data.learners) {
    add('student id', learner.learnerId, standalone(learner.learnerId));
    if (learner.sourcedId !== null) add('sourced id', learner.sourcedId, standalone(learner.sourcedId, 'iu'));
    for (const [kind, name] of [
      ['given name', learner.givenName],
      ['family name', learner.familyName],
    ] as const) {
      // A blank name (the SIS has some) is no text to look for.
      if (name === '' || seen.has(`${kind}:${name}`)) continue;
      seen.add(`${kind}:${name}`);
      add(kind, name, standalone(name));
    }
    if (learner.email !== null) add('email', learner.email, new RegExp(escape(learner.email), 'i'));
    if (learner.birthDate !== null) add('birth date', learner.birthDate, standalone(learner.birthDate));
  }
  // Any id of the SIS's form, and any address of its students' domain, not only the ones read.
  add('student id', 'S + 7 digits', /(?<![\p{L}\p{N}])S\d{7}(?![\p{L}\p{N}])/u);
  add('email', '@students.demo-university.example', /@students\.demo-university\.example/i);
  const key = '["\']?(?:grade|letter|letterGrade|value|result|score|mark)["\']?\\s*[:=]\\s*["\']?';
  for (const grade of data.grades) {
    add('grade', grade, new RegExp(`${key}${escape(grade)}(?![\\w+-])`, 'i'));
  }
  const percentKey = '["\']?(?:percent|percentage|score)["\']?\\s*[:=]\\s*["\']?';
  for (const percent of data.percents) {
    add('percent', String(percent), new RegExp(`${percentKey}${escape(String(percent))}(?!\\.?\\d)`, 'i'));
  }
  return found;
}

/**
 * Every occurrence of the SIS's personal data in `lines` (one finding per line, kind and value).
 * An empty list means none was found.
 */
export function findPersonalData(lines: readonly string[], data: SisPersonalData): PersonalDataFinding[] {
  const all = detectors(data);
  const findings: PersonalDataFinding[] = [];
  lines.forEach((text, index) => {
    for (const detector of all) {
      if (detector.pattern.test(text))
        findings.push({ line: index + 1, kind: detector.kind, value: detector.value });
    }
  });
  return findings;
}
