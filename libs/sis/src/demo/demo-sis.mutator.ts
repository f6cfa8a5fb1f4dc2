import Database from 'better-sqlite3';
import { DemoRandom } from './demo-random';

export interface MutateDemoSisOptions {
  /** Share of learners to change, in (0, 1]. */
  fraction: number;
  seed?: number;
  /** The new `updated_at` of changed rows; default now. */
  at?: Date;
}

export interface MutateDemoSisResult {
  /** The learners changed, in id order. */
  learnerIds: string[];
  /** How many of them had a grade changed (the others had no letter grade: their learner row was touched). */
  gradesChanged: number;
}

const REGRADE = ['A', 'A-', 'B+', 'B', 'B-', 'C+', 'C'];

/**
 * Changes `fraction` of the demo SIS's learners, as a registrar's day would: one letter grade
 * per learner changed (a grade appeal), its `updated_at` bumped. Deterministic for a seed.
 * For incremental-run tests and benchmarks.
 */
export function mutateDemoSis(file: string, options: MutateDemoSisOptions): MutateDemoSisResult {
  if (!(options.fraction > 0 && options.fraction <= 1)) {
    throw new Error(`fraction must be in (0, 1], not ${String(options.fraction)}`);
  }
  const at = (options.at ?? new Date()).toISOString().slice(0, 19).replace('T', ' ');
  const random = new DemoRandom(`mutate:${options.seed ?? 1}`);
  const db = new Database(file, { fileMustExist: true });
  try {
    const ids = (
      db.prepare('SELECT learner_id FROM clr_learners ORDER BY learner_id').pluck().all() as string[]
    ).map(String);
    const count = Math.max(1, Math.round(ids.length * options.fraction));
    const chosen = random.sample(ids, count).sort();
    const gradesOf = db.prepare(
      `SELECT grade_id, grade FROM clr_course_grades
       WHERE learner_id = ? AND is_deleted = 0 AND status = 'Completed' AND grade IN ('A','A-','B+','B','B-','C+','C','C-','D+','D')
       ORDER BY grade_id`,
    );
    const updateGrade = db.prepare(
      'UPDATE clr_course_grades SET grade = ?, percent = NULL, updated_at = ? WHERE grade_id = ?',
    );
    const touchLearner = db.prepare('UPDATE clr_learners SET updated_at = ? WHERE learner_id = ?');
    let gradesChanged = 0;
    db.transaction(() => {
      for (const learnerId of chosen) {
        const grades = gradesOf.all(learnerId) as { grade_id: string; grade: string }[];
        if (grades.length === 0) {
          touchLearner.run(at, learnerId);
          continue;
        }
        const target = random.pick(grades);
        const letter = random.pick(REGRADE.filter((candidate) => candidate !== target.grade));
        updateGrade.run(letter, at, target.grade_id);
        gradesChanged += 1;
      }
    })();
    return { learnerIds: chosen, gradesChanged };
  } finally {
    db.close();
  }
}
