import { validateClr } from '@app/clr';
import {
  cocurricular,
  competencyResult,
  context,
  degree,
  emptyRecords,
  fullRecords,
  grade,
  learner,
} from '../test/learner-records.fixture';
import { packageAlignments, variedLearnerRecords } from '../test/varied-records';
import { mapLearnerToClr } from './map-learner-to-clr';
import { type MappingContext } from './mapping-context';

async function expectValid(clr: unknown, label: string): Promise<void> {
  const report = await validateClr(clr);
  // The label and findings make a failure say which record set broke which rule.
  expect({ label, findings: report.findings }).toEqual({ label, findings: [] });
  expect(report.valid).toBe(true);
}

describe('every CLR the mapping produces passes libs/clr validation', () => {
  it.each([
    ['one row of every kind', fullRecords(), context()],
    ['no records', emptyRecords(), context()],
    [
      'no email, hashing off',
      fullRecords({ learner: learner({ email: null }) }),
      context({ hashRecipientIdentity: false }),
    ],
    [
      'unresolved alignments omitted',
      fullRecords(),
      context({ alignments: new Map(), unresolvedAlignment: 'omit' }),
    ],
    [
      'degraded rows',
      fullRecords({
        courseGrades: [
          grade({
            grade: 'Q',
            percent: 400,
            status: 'Audit',
            termEnd: '2024-01-01',
            awardedOn: '2024-02-30',
          }),
        ],
        competencyResults: [competencyResult({ level: 'Wizard', courseId: 'C-NOPE' })],
        cocurriculars: [cocurricular({ activityType: 'Study abroad', hours: -1 })],
        degrees: [degree({ degreeType: 'Honorary', conferredOn: null })],
      }),
      context(),
    ],
  ] as [string, ReturnType<typeof fullRecords>, MappingContext][])('%s', async (label, records, ctx) => {
    await expectValid(mapLearnerToClr(records, ctx).clr, label);
  });

  it('for 300 varied learners drawn from a catalogue with every kind of good and bad value', async () => {
    const { alignments } = packageAlignments();
    const ctx = context({ alignments });
    const records = variedLearnerRecords(300);
    let assertions = 0;
    let problems = 0;
    const effects = new Set<string>();

    for (const learnerRecords of records) {
      const mapped = mapLearnerToClr(learnerRecords, ctx);
      assertions += mapped.clr.assertions?.length ?? 0;
      problems += mapped.problems.length;
      for (const problem of mapped.problems) effects.add(`${problem.recordSet}:${problem.effect}`);
      await expectValid(mapped.clr, learnerRecords.learner.learnerId);
    }

    // The set really exercised the mapping: many assertions, and problems in every record set.
    expect(assertions).toBeGreaterThan(1000);
    expect(problems).toBeGreaterThan(300);
    expect([...effects].sort()).toEqual(
      expect.arrayContaining([
        'clr_cocurriculars:degraded',
        'clr_cocurriculars:skipped',
        'clr_competencies:degraded',
        'clr_competencies:skipped',
        'clr_competency_results:degraded',
        'clr_competency_results:skipped',
        'clr_course_competencies:skipped',
        'clr_course_grades:degraded',
        'clr_course_grades:skipped',
        'clr_courses:degraded',
        'clr_courses:skipped',
        'clr_degrees:degraded',
        'clr_degrees:skipped',
        'clr_learners:degraded',
        'clr_organizations:degraded',
        'clr_organizations:skipped',
      ]),
    );
  });
});
