import { RECORD_SET_CONTRACTS } from '../contract/record-set.contract';
import { normalizeRow, UNKNOWN_UPDATED_AT } from './row.normalizer';

const grade = {
  grade_id: ' G1 ',
  learner_id: 'S1',
  course_id: 'C1',
  term: '2024FA',
  term_start: '2024-08-26',
  term_end: new Date(Date.UTC(2024, 11, 13)),
  grade: 'A-',
  percent: '91.50',
  credits_earned: 3,
  status: 'Completed',
  awarded_on: '2024-12-18',
  updated_at: '2024-12-18 10:00:00',
  is_deleted: 0,
};

describe('normalizeRow', () => {
  it('turns a raw row into its record, camelCase and normalized', () => {
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, grade);
    expect(row.problems).toEqual([]);
    expect(row.key).toBe('G1');
    expect(row.record).toEqual({
      gradeId: 'G1',
      learnerId: 'S1',
      courseId: 'C1',
      term: '2024FA',
      termStart: '2024-08-26',
      termEnd: '2024-12-13',
      grade: 'A-',
      percent: 91.5,
      creditsEarned: 3,
      status: 'Completed',
      awardedOn: '2024-12-18',
      updatedAt: '2024-12-18T10:00:00.000Z',
      isDeleted: false,
    });
  });

  it('treats absent nullable columns (configured null) as NULL, and a NULL is_deleted as false', () => {
    const { is_deleted: _deleted, percent: _percent, ...rest } = grade;
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, rest);
    expect(row.problems).toEqual([]);
    expect(row.record).toMatchObject({ percent: null, isDeleted: false });
  });

  it('skips a row whose key or reference is NULL or too long, reporting only the skip', () => {
    const noCourse = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, {
      ...grade,
      course_id: '  ',
      percent: 'x',
    });
    expect(noCourse.record).toBeNull();
    expect(noCourse.problems).toEqual([
      { recordSet: 'clr_course_grades', key: 'G1', reason: 'course_id is NULL or blank', effect: 'skipped' },
    ]);
    const noKey = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, { ...grade, grade_id: null });
    expect(noKey.problems).toEqual([
      {
        recordSet: 'clr_course_grades',
        key: '(no key)',
        reason: 'grade_id is NULL or blank',
        effect: 'skipped',
      },
    ]);
    const longId = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, {
      ...grade,
      learner_id: 'S'.repeat(256),
    });
    expect(longId.record).toBeNull();
    expect(longId.problems[0].reason).toBe('learner_id is longer than 255 characters');
  });

  it('degrades a row with NULL required text, unreadable values, bad dates, over-long text', () => {
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_course_grades, {
      ...grade,
      status: null,
      percent: 'ninety',
      term_end: '2024-02-30',
      grade: 'A'.repeat(21),
      updated_at: null,
    });
    expect(row.record).toMatchObject({
      status: null,
      percent: null,
      termEnd: null,
      grade: 'A'.repeat(20),
      updatedAt: UNKNOWN_UPDATED_AT,
    });
    expect(row.problems.map((problem) => [problem.effect, problem.reason])).toEqual([
      ['degraded', 'term_end is an impossible date: dropped'],
      ['degraded', 'grade is longer than 20 characters: cut'],
      ['degraded', 'percent is not a number: dropped'],
      ['degraded', 'required column status is NULL or blank'],
      ['degraded', 'updated_at is NULL: only full runs will see this row'],
    ]);
  });

  it('drops an over-long optional reference instead of skipping the row', () => {
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_courses, {
      course_id: 'C1',
      code: 'MATH-101',
      title: 'College Algebra',
      org_id: 'O'.repeat(300),
      updated_at: '2024-01-01 00:00:00',
    });
    expect(row.record).toMatchObject({ orgId: null, courseId: 'C1' });
    expect(row.problems).toEqual([
      {
        recordSet: 'clr_courses',
        key: 'C1',
        reason: 'org_id is longer than 255 characters: dropped',
        effect: 'degraded',
      },
    ]);
  });

  it('keys the link set by both columns', () => {
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_course_competencies, {
      course_id: 'C1',
      competency_id: 'K1',
      updated_at: '2024-01-01T00:00:00Z',
    });
    expect(row.key).toBe('C1/K1');
  });

  it('never puts a value into a reason', () => {
    const row = normalizeRow(RECORD_SET_CONTRACTS.clr_learners, {
      learner_id: 'S1',
      given_name: 'Zoë',
      family_name: 'Q',
      email: 'zoe@example.edu',
      birth_date: '2001-02-31',
      updated_at: 'last tuesday',
    });
    const text = JSON.stringify(row.problems);
    expect(text).not.toContain('2001-02-31');
    expect(text).not.toContain('last tuesday');
    expect(row.problems.map((problem) => problem.reason)).toEqual([
      'birth_date is an impossible date: dropped',
      'updated_at is not a timestamp (ISO 8601): only full runs will see this row',
    ]);
  });
});
