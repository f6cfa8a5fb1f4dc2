import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { projectRoot } from '@app/config';
import Database from 'better-sqlite3';
import { type RecordSetName } from '../records/sis-records';
import {
  DEMO_COURSES,
  DEMO_LOCAL_COMPETENCIES,
  DEMO_ORGANIZATIONS,
  type DemoCourse,
  readCaseCompetencies,
} from './demo-catalogue';
import { asciiLetters, FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES } from './demo-names';
import { DemoRandom } from './demo-random';
import { DEMO_SIS_DDL, DEMO_SIS_INDEXES } from './demo-sis.schema';
import { requireReplaceableDemoSis } from './demo-sis.target';

/** The CASE package the demo aligns its competencies to (the project's copy). */
export const DEMO_CASE_PACKAGE = 'config/case/act-holistic-framework-math.cfpackage.json';

/** "Now" inside the demo: the summer 2025 term is in progress. Fixed, so output never depends on the clock. */
export const DEMO_NOW = '2025-07-15 12:00:00';

export interface DemoSisOptions {
  learners: number;
  /** The SQLite file to write (replaced atomically). */
  out: string;
  seed?: number;
  /** CFPackage JSON to align competencies to; default the project's {@link DEMO_CASE_PACKAGE}. */
  casePackage?: string;
  /**
   * Sprinkle data-quality defects a real SIS has (a grade of a course not in the catalogue, an
   * impossible date, a NULL required column, over-long text...), about one per 250 learners.
   */
  defects?: boolean;
}

export interface DemoSisSummary {
  file: string;
  seed: number;
  learners: number;
  rows: Record<RecordSetName, number>;
  /** Learner ids given a defect (with `defects`). */
  defectiveLearners: string[];
  elapsedMs: number;
}

interface Term {
  code: string;
  start: string;
  end: string;
  summer: boolean;
}

/** 2019FA .. 2025SU; the last one is in progress at {@link DEMO_NOW}. */
function demoTerms(): Term[] {
  const terms: Term[] = [{ code: '2019FA', start: '2019-08-26', end: '2019-12-13', summer: false }];
  for (let year = 2020; year <= 2025; year += 1) {
    terms.push({ code: `${year}SP`, start: `${year}-01-13`, end: `${year}-05-09`, summer: false });
    terms.push({ code: `${year}SU`, start: `${year}-06-02`, end: `${year}-08-01`, summer: true });
    if (year < 2025)
      terms.push({ code: `${year}FA`, start: `${year}-08-26`, end: `${year}-12-13`, summer: false });
  }
  return terms;
}

const LETTERS = [
  ['A', 20],
  ['A-', 11],
  ['B+', 11],
  ['B', 14],
  ['B-', 8],
  ['C+', 6],
  ['C', 7],
  ['C-', 3],
  ['D+', 2],
  ['D', 2],
  ['F', 6],
  ['W', 4],
] as const;

const PERCENT_FLOOR: Record<string, number> = {
  A: 93,
  'A-': 90,
  'B+': 87,
  B: 83,
  'B-': 80,
  'C+': 77,
  C: 73,
  'C-': 70,
  'D+': 67,
  D: 60,
  F: 35,
};

const DAY_MS = 86_400_000;
const dayCache = new Map<string, number>();
const textCache = new Map<number, string>();

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (cached: the demo uses a few thousand dates, millions of times). */
function dayOf(date: string): number {
  let day = dayCache.get(date);
  if (day === undefined) {
    day = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    dayCache.set(date, day);
  }
  return day;
}

function dateText(day: number): string {
  let text = textCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    textCache.set(day, text);
  }
  return text;
}

function addDays(date: string, days: number): string {
  return dateText(dayOf(date) + days);
}

const NOW_DAY = dayOf(DEMO_NOW.slice(0, 10));
const NOW_SECOND = 12 * 3600; // DEMO_NOW's time of day

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * `YYYY-MM-DD HH:MM:SS`, how SQLite's own CURRENT_TIMESTAMP spells UTC; never after DEMO_NOW.
 * A time past it folds back into the two months before (not onto DEMO_NOW itself, which would
 * pile thousands of rows onto one instant, right inside an incremental run's overlap).
 */
function stamp(date: string, random: DemoRandom, maxDays = 0): string {
  const base = dayOf(date);
  let day = base + random.int(0, maxDays);
  const second = random.int(0, 86_399);
  if (day > NOW_DAY || (day === NOW_DAY && second > NOW_SECOND)) {
    day = Math.max(Math.min(base, NOW_DAY - 1), NOW_DAY - 1 - ((day - NOW_DAY) % 60));
  }
  const hours = Math.floor(second / 3600);
  const minutes = Math.floor((second % 3600) / 60);
  return `${dateText(day)} ${two(hours)}:${two(minutes)}:${two(second % 60)}`;
}

function levelFor(letter: string, random: DemoRandom): [string, number] {
  const noise = random.int(0, 9) / 10;
  if (letter.startsWith('A'))
    return random.chance(0.8) ? ['Mastered', 3.5 + noise / 2] : ['Proficient', 3 + noise / 2];
  if (letter.startsWith('B')) return ['Proficient', 2.6 + noise / 2];
  if (letter.startsWith('C')) return ['Developing', 2 + noise / 2];
  return ['Beginning', 1 + noise / 2];
}

/**
 * Writes a realistic, deterministic demo SIS: the contract's record sets as SQLite tables. Same
 * options (seed, learners, package) => byte-identical file. Fast: one transaction, prepared
 * statements, indexes built after the rows.
 */
export function generateDemoSis(options: DemoSisOptions): DemoSisSummary {
  const started = process.hrtime.bigint();
  if (!Number.isInteger(options.learners) || options.learners < 1 || options.learners > 5_000_000) {
    throw new Error(`learners must be an integer from 1 to 5,000,000, not ${String(options.learners)}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer from 0 to 4294967295, not ${String(seed)}`);
  }
  const out = resolve(options.out);
  requireReplaceableDemoSis(out);
  const caseCompetencies = readCaseCompetencies(
    options.casePackage ?? resolve(projectRoot(), DEMO_CASE_PACKAGE),
  );
  mkdirSync(dirname(out), { recursive: true });
  const temporary = `${out}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });

  const db = new Database(temporary);
  const rows = Object.fromEntries(
    [
      'clr_learners',
      'clr_organizations',
      'clr_courses',
      'clr_course_grades',
      'clr_competencies',
      'clr_competency_results',
      'clr_course_competencies',
      'clr_cocurriculars',
      'clr_degrees',
    ].map((name) => [name, 0]),
  ) as Record<RecordSetName, number>;
  const defectiveLearners: string[] = [];
  try {
    // A generated file: no journal needed, a crash just means generating again.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -262144'); // 256 MiB: the B-trees stay in memory while they grow
    db.exec(DEMO_SIS_DDL);
    const insert = {
      org: db.prepare('INSERT INTO clr_organizations VALUES (?, ?, ?, ?, ?, ?)'),
      course: db.prepare('INSERT INTO clr_courses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      competency: db.prepare('INSERT INTO clr_competencies VALUES (?, ?, ?, ?, ?, ?, ?)'),
      link: db.prepare('INSERT INTO clr_course_competencies VALUES (?, ?, ?)'),
      learner: db.prepare('INSERT INTO clr_learners VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      grade: db.prepare('INSERT INTO clr_course_grades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      result: db.prepare('INSERT INTO clr_competency_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      activity: db.prepare('INSERT INTO clr_cocurriculars VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      degree: db.prepare('INSERT INTO clr_degrees VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    };
    const root = new DemoRandom(seed);
    const catalogueRandom = root.fork('catalogue');
    const terms = demoTerms();

    db.transaction(() => {
      for (const org of DEMO_ORGANIZATIONS) {
        insert.org.run(
          org.id,
          org.name,
          org.url,
          org.email,
          org.parent,
          stamp('2019-05-01', catalogueRandom, 60),
        );
        rows.clr_organizations += 1;
      }
      const competencyIds: string[] = [];
      for (const competency of caseCompetencies) {
        const id = `K-${competency.code}`;
        competencyIds.push(id);
        insert.competency.run(
          id,
          competency.name,
          competency.description,
          competency.code,
          competency.itemUri,
          competency.frameworkUri,
          stamp('2019-05-01', catalogueRandom, 60),
        );
        rows.clr_competencies += 1;
      }
      for (const local of DEMO_LOCAL_COMPETENCIES) {
        insert.competency.run(
          `K-${local.code}`,
          local.name,
          local.description,
          local.code,
          null,
          null,
          stamp('2019-05-01', catalogueRandom, 60),
        );
        rows.clr_competencies += 1;
      }
      const courseIds = new Map<DemoCourse, string>();
      const linksOf = new Map<string, string[]>();
      DEMO_COURSES.forEach((course, index) => {
        const id = `C${1001 + index}`;
        courseIds.set(course, id);
        // A catalogue is edited now and then: some courses changed in 2024.
        const updated = catalogueRandom.chance(0.2)
          ? stamp('2024-03-01', catalogueRandom, 200)
          : stamp('2019-05-01', catalogueRandom, 60);
        insert.course.run(
          id,
          course.code,
          course.title,
          course.description,
          course.credits,
          course.org,
          course.level,
          course.field,
          updated,
        );
        rows.clr_courses += 1;
        const links: string[] = [];
        if (course.geometry)
          links.push(...catalogueRandom.sample(competencyIds, catalogueRandom.int(3, 6)).sort());
        for (const skill of course.skills ?? []) links.push(`K-DU-${skill}`);
        linksOf.set(id, links);
        for (const competencyId of links) {
          insert.link.run(id, competencyId, stamp('2019-06-01', catalogueRandom, 30));
          rows.clr_course_competencies += 1;
        }
      });

      const regular = DEMO_COURSES.filter((course) => course.level === 'Undergraduate');
      const graduate = DEMO_COURSES.filter((course) => course.level === 'Graduate');
      let gradeSeq = 0;
      let resultSeq = 0;
      let activitySeq = 0;
      let degreeSeq = 0;
      const learnerWidth = Math.max(7, String(options.learners).length);

      for (let n = 1; n <= options.learners; n += 1) {
        const random = root.fork(n);
        const learnerId = `S${String(n).padStart(learnerWidth, '0')}`;
        const defective = options.defects === true && n % 250 === 125;
        if (defective) defectiveLearners.push(learnerId);

        // Who they are.
        let given: string = random.pick(GIVEN_NAMES);
        let family: string = random.pick(FAMILY_NAMES);
        const middle = random.chance(0.2) ? random.pick(MIDDLE_NAMES) : null;
        const localPart = `${asciiLetters(given)}.${asciiLetters(family)}`;
        let email: string | null =
          localPart.length > 3
            ? `${localPart}${n}@students.demo-university.example`
            : `${learnerId.toLowerCase()}@students.demo-university.example`;
        if (random.chance(0.08)) email = null;
        else if (random.chance(0.01)) email = '   ';
        if (random.chance(0.03)) given = ` ${given} `;
        if (random.chance(0.02)) family = `${family}  `;
        const birth = random.chance(0.97)
          ? addDays(`${random.int(1990, 2006)}-01-01`, random.int(0, 364))
          : null;

        // When they studied.
        const cohort = random.weighted([
          ...terms
            .map((term, index) => [index, term.summer ? 0 : term.code.endsWith('FA') ? 6 : 2] as const)
            .filter(([index]) => index < terms.length - 1),
          [terms.length - 1, 1],
        ]);
        const enrolled: number[] = [];
        let regularTerms = 0;
        for (let index = cohort; index < terms.length; index += 1) {
          const term = terms[index];
          if (term.summer) {
            if (random.chance(0.25) || index === cohort) enrolled.push(index);
            continue;
          }
          if (index > cohort && !random.chance(0.92)) break;
          enrolled.push(index);
          regularTerms += 1;
          if (regularTerms >= 8) break;
        }
        if (enrolled.length === 0) enrolled.push(cohort);
        const firstTerm = terms[enrolled[0]];
        insert.learner.run(
          learnerId,
          random.chance(0.85) ? random.uuid() : null,
          given,
          family,
          middle,
          email,
          birth,
          random.chance(0.1)
            ? stamp('2024-09-01', random, 300)
            : stamp(addDays(firstTerm.start, -60), random, 30),
        );
        rows.clr_learners += 1;

        // What they took.
        const passed = new Set<DemoCourse>();
        let retakes: DemoCourse[] = [];
        let creditsEarned = 0;
        const fields = new Map<string, number>();
        for (const termIndex of enrolled) {
          const term = terms[termIndex];
          const current = termIndex === terms.length - 1;
          const load = term.summer ? random.int(1, 2) : random.int(3, 5);
          const pool = (
            regularTerms >= 7 && termIndex === enrolled[enrolled.length - 1]
              ? [...regular, ...graduate]
              : regular
          ).filter((course) => !passed.has(course));
          const picks = [...retakes.filter(() => random.chance(0.8)), ...random.sample(pool, load)];
          retakes = [];
          const seen = new Set<DemoCourse>();
          for (const course of picks) {
            if (seen.has(course)) continue;
            seen.add(course);
            const courseId = courseIds.get(course) as string;
            let letter: string;
            if (current) letter = 'IP';
            else if (course.passFail)
              letter = random.weighted([
                ['P', 92],
                ['NP', 5],
                ['W', 3],
              ] as const);
            else letter = random.weighted(LETTERS);
            const status =
              letter === 'IP'
                ? 'InProgress'
                : letter === 'W'
                  ? 'Withdrew'
                  : letter === 'F' || letter === 'NP'
                    ? 'Failed'
                    : 'Completed';
            const percent =
              letter in PERCENT_FLOOR && random.chance(0.55)
                ? Math.round(
                    (PERCENT_FLOOR[letter] +
                      random.next() * (letter === 'A' ? 7 : letter === 'F' ? 24 : 2.99)) *
                      100,
                  ) / 100
                : null;
            const earned = status === 'Completed' ? course.credits : status === 'InProgress' ? null : 0;
            const awardedOn = status === 'Completed' || status === 'Failed' ? addDays(term.end, 5) : null;
            const deleted = random.chance(0.004);
            gradeSeq += 1;
            const gradeId = `G${String(gradeSeq).padStart(9, '0')}`;
            insert.grade.run(
              gradeId,
              learnerId,
              courseId,
              term.code,
              term.start,
              term.end,
              letter === 'IP' && random.chance(0.5) ? null : letter,
              percent,
              earned,
              status,
              awardedOn,
              current
                ? stamp(term.start, random, 20)
                : deleted || random.chance(0.05)
                  ? stamp(addDays(term.end, 30), random, 300)
                  : stamp(addDays(term.end, 5), random, 3),
              deleted ? 1 : 0,
            );
            rows.clr_course_grades += 1;
            if (status === 'Completed') {
              passed.add(course);
              creditsEarned += course.credits;
              fields.set(course.field, (fields.get(course.field) ?? 0) + course.credits);
            }
            if (status === 'Failed') retakes.push(course);

            // What the course assessed.
            if ((status === 'Completed' || status === 'Failed') && !course.passFail) {
              for (const competencyId of linksOf.get(courseId) ?? []) {
                // CASE-aligned outcomes are assessed in nearly every section; institutional ones sometimes.
                if (!random.chance(competencyId.startsWith('K-DU-') ? 0.3 : 0.9)) continue;
                const [level, score] = levelFor(letter, random);
                resultSeq += 1;
                const resultDeleted = random.chance(0.003);
                insert.result.run(
                  `R${String(resultSeq).padStart(9, '0')}`,
                  learnerId,
                  competencyId,
                  level,
                  Math.round(score * 10) / 10,
                  courseId,
                  term.end,
                  resultDeleted
                    ? stamp(addDays(term.end, 60), random, 200)
                    : stamp(addDays(term.end, 5), random, 3),
                  resultDeleted ? 1 : 0,
                );
                rows.clr_competency_results += 1;
              }
            }
          }
        }
        // A placement test, assessed outside any course.
        if (random.chance(0.1)) {
          resultSeq += 1;
          const [level, score] = levelFor(random.pick(['A', 'B', 'C']), random);
          insert.result.run(
            `R${String(resultSeq).padStart(9, '0')}`,
            learnerId,
            'K-DU-QR',
            level,
            Math.round(score * 10) / 10,
            null,
            addDays(firstTerm.start, -14),
            stamp(addDays(firstTerm.start, -14), random, 2),
            0,
          );
          rows.clr_competency_results += 1;
        }

        // What they did beside their courses.
        const lastTerm = terms[enrolled[enrolled.length - 1]];
        const activities = random.weighted([
          [0, 35],
          [1, 35],
          [2, 20],
          [3, 10],
        ] as const);
        for (let index = 0; index < activities; index += 1) {
          const term = terms[random.pick(enrolled)];
          const kind = random.weighted([
            ['Co-Curricular', 20],
            ['CommunityService', 20],
            ['Award', 18],
            ['Membership', 15],
            ['Fieldwork', 8],
            ['Certificate', 8],
            ['License', 4],
            ['Hackathon', 1],
          ] as const);
          const activity = demoActivity(kind, term, random);
          activitySeq += 1;
          const deleted = random.chance(0.01);
          insert.activity.run(
            `A${String(activitySeq).padStart(8, '0')}`,
            learnerId,
            activity.name,
            kind,
            activity.description,
            activity.role,
            activity.hours,
            activity.org,
            activity.start,
            activity.end,
            activity.awardedOn,
            deleted
              ? stamp(addDays(term.end, 40), random, 200)
              : stamp(activity.end ?? activity.awardedOn ?? term.end, random, 10),
            deleted ? 1 : 0,
          );
          rows.clr_cocurriculars += 1;
        }

        // What they earned.
        const main =
          [...fields.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
        if (regularTerms >= 8 && creditsEarned >= 90 && main !== null && !lastTerm.summer) {
          const science = [
            'Statistics',
            'Computer Science',
            'Biology',
            'Chemistry',
            'Physics',
            'Engineering',
          ];
          const bachelor =
            science.includes(main) || (main === 'Mathematics' && random.chance(0.5))
              ? 'Bachelor of Science'
              : 'Bachelor of Arts';
          degreeSeq += 1;
          const deleted = random.chance(0.01);
          insert.degree.run(
            `D${String(degreeSeq).padStart(7, '0')}`,
            learnerId,
            bachelor,
            'Degree',
            main,
            random.chance(0.3) ? random.pick(['Honors', 'Teaching', 'Applied', 'Pure']) : null,
            addDays(lastTerm.end, 8),
            stamp(addDays(lastTerm.end, 8), random, 5),
            deleted ? 1 : 0,
          );
          rows.clr_degrees += 1;
        }
        if (creditsEarned >= 15 && random.chance(0.04)) {
          degreeSeq += 1;
          const [name, type] = random.pick([
            ['Certificate in Data Analytics', 'Certificate'],
            ['Certificate in Teaching Mathematics', 'Certificate'],
            ['Diploma in Choral Performance', 'Diploma'],
          ] as const);
          insert.degree.run(
            `D${String(degreeSeq).padStart(7, '0')}`,
            learnerId,
            name,
            type,
            null,
            null,
            addDays(lastTerm.end, 8),
            stamp(addDays(lastTerm.end, 8), random, 5),
            0,
          );
          rows.clr_degrees += 1;
        }

        if (defective) {
          // A grade of a course the catalogue no longer has, a result of an unknown competency,
          // an impossible conferral date, a nameless activity, an over-long description.
          gradeSeq += 1;
          insert.grade.run(
            `G${String(gradeSeq).padStart(9, '0')}`,
            learnerId,
            'C0999',
            firstTerm.code,
            firstTerm.start,
            firstTerm.end,
            'B',
            null,
            3,
            'Completed',
            addDays(firstTerm.end, 5),
            stamp(addDays(firstTerm.end, 5), random, 3),
            0,
          );
          rows.clr_course_grades += 1;
          resultSeq += 1;
          insert.result.run(
            `R${String(resultSeq).padStart(9, '0')}`,
            learnerId,
            'K-RETIRED-1',
            'Proficient',
            3,
            null,
            firstTerm.end,
            stamp(addDays(firstTerm.end, 5), random, 3),
            0,
          );
          rows.clr_competency_results += 1;
          degreeSeq += 1;
          insert.degree.run(
            `D${String(degreeSeq).padStart(7, '0')}`,
            learnerId,
            'Certificate in Data Analytics',
            'Certificate',
            null,
            null,
            '2023-02-30',
            stamp(lastTerm.end, random, 5),
            0,
          );
          rows.clr_degrees += 1;
          activitySeq += 1;
          insert.activity.run(
            `A${String(activitySeq).padStart(8, '0')}`,
            learnerId,
            null,
            'Award',
            'x'.repeat(10_050),
            null,
            null,
            'ORG-LIFE',
            null,
            null,
            lastTerm.end,
            stamp(lastTerm.end, random, 5),
            0,
          );
          rows.clr_cocurriculars += 1;
        }
      }
    })();
    db.exec(DEMO_SIS_INDEXES);
  } catch (error) {
    db.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  db.close();
  renameSync(temporary, out);
  return {
    file: out,
    seed,
    learners: options.learners,
    rows,
    defectiveLearners,
    elapsedMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
  };
}

interface DemoActivity {
  name: string;
  description: string | null;
  role: string | null;
  hours: number | null;
  org: string | null;
  start: string | null;
  end: string | null;
  awardedOn: string | null;
}

function demoActivity(kind: string, term: Term, random: DemoRandom): DemoActivity {
  const year = term.code.slice(0, 4);
  const span = { start: term.start, end: term.end, awardedOn: null };
  switch (kind) {
    case 'Co-Curricular':
      return {
        name: random.pick([
          'Math Club',
          'Débat & Rhétorique Society',
          'Robotics Team',
          'Student Newspaper',
          'Orquesta Latina',
        ]),
        description: random.chance(0.5) ? 'Weekly meetings, one public event per term.' : null,
        role: random.pick(['Member', 'Member', 'Treasurer', 'President']),
        hours: random.chance(0.5) ? random.int(10, 60) : null,
        org: 'ORG-LIFE',
        ...span,
      };
    case 'CommunityService':
      return {
        name: random.pick([
          'Habitat for Humanity Build',
          'Food Bank Volunteer',
          'Math Tutoring at Lincoln Elementary',
          'Beach Clean-up',
        ]),
        description: null,
        role: 'Volunteer',
        hours: random.int(8, 120) + random.int(0, 1) / 2,
        org: 'ORG-LIFE',
        ...span,
      };
    case 'Award':
      return {
        name: random.pick([
          `Dean's List (${term.code})`,
          `President's Scholar ${year}`,
          'Outstanding Student in Mathematics',
        ]),
        description: null,
        role: null,
        hours: null,
        org: 'ORG-CAS',
        start: null,
        end: null,
        awardedOn: addDays(term.end, 10),
      };
    case 'Membership':
      return {
        name: random.pick([
          'Society of Women Engineers',
          'Phi Beta Kappa',
          'Association for Computing Machinery',
          'Pi Mu Epsilon',
        ]),
        description: null,
        role: random.pick(['Member', 'Chapter Secretary']),
        hours: null,
        org: random.chance(0.5) ? 'ORG-ENG' : null,
        start: term.start,
        end: null,
        awardedOn: null,
      };
    case 'Fieldwork':
      return {
        name: random.pick([
          'Teaching Practicum — Lincoln Elementary',
          'Field Geology Camp',
          'Clinical Observation',
        ]),
        description: 'Supervised placement with a written reflection.',
        role: 'Student',
        hours: random.int(40, 160),
        org: 'ORG-MATH',
        ...span,
      };
    case 'Certificate':
      return {
        name: random.pick([
          'CPR & First Aid Certification',
          'Mental Health First Aid',
          'Google Data Analytics Certificate',
        ]),
        description: null,
        role: null,
        hours: random.chance(0.5) ? random.int(4, 40) : null,
        org: 'ORG-CAREER',
        start: null,
        end: null,
        awardedOn: addDays(term.start, random.int(10, 90)),
      };
    case 'License':
      return {
        name: random.pick(['Substitute Teaching License', 'Emergency Medical Technician (EMT-B)']),
        description: 'Issued by the state board.',
        role: null,
        hours: null,
        org: null,
        start: null,
        end: null,
        awardedOn: addDays(term.end, random.int(10, 60)),
      };
    default:
      // An activity type the mapping does not know (the SIS invents new ones).
      return {
        name: random.pick([`HackDemo ${year} — 2nd place`, `Game Jam ${year}`]),
        description: null,
        role: 'Team member',
        hours: 36,
        org: 'ORG-CS',
        ...span,
      };
  }
}
