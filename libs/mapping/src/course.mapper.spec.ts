import {
  assertionFor,
  context,
  course,
  emptyRecords,
  fullRecords,
  grade,
  organization,
  UPDATED,
} from '../test/learner-records.fixture';
import { ClrIdFactory } from './clr-id.factory';
import { mapLearnerToClr } from './map-learner-to-clr';

const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);
const COURSE_ID = ids.achievementId('course', 'C-MATH-101');

function courseRecords(...grades: ReturnType<typeof grade>[]) {
  return emptyRecords({
    courseGrades: grades,
    courses: [course()],
    organizations: fullRecords().organizations,
  });
}

function mapGrades(...grades: ReturnType<typeof grade>[]) {
  return mapLearnerToClr(courseRecords(...grades), context());
}

describe('course grades', () => {
  it('make an Assertion of the Course achievement with term, credits, term dates and its results', () => {
    const { clr, problems } = mapGrades(grade());
    const assertion = assertionFor(clr, 'course-grade', 'G-1');

    expect(problems).toEqual([]);
    expect(assertion).toMatchObject({
      type: 'Assertion',
      term: '2024FA',
      creditsEarned: 4,
      activityStartDate: '2024-08-26T00:00:00Z',
      activityEndDate: '2024-12-13T00:00:00Z',
      issuedOn: '2024-12-18T00:00:00Z',
      results: [
        { type: 'Result', resultDescription: `${COURSE_ID}#letter-grade`, value: 'A-' },
        { type: 'Result', resultDescription: `${COURSE_ID}#percent`, value: '91.5' },
        { type: 'Result', resultDescription: `${COURSE_ID}#status`, status: 'Completed' },
      ],
    });
  });

  it('describe the course: code, credits, level, field of study and the three result descriptions', () => {
    const { clr } = mapGrades(grade());
    const achievement = assertionFor(clr, 'course-grade', 'G-1')?.achievement;

    expect(achievement).toMatchObject({
      id: COURSE_ID,
      type: 'Achievement',
      achievementType: 'Course',
      name: 'Calculus I',
      humanCode: 'MATH-101',
      creditsAvailable: 4,
      level: 'Undergraduate',
      fieldOfStudy: 'Mathematics',
      description: 'Limits, derivatives and integrals.',
    });
    expect(achievement?.resultDescriptions).toEqual([
      {
        id: `${COURSE_ID}#letter-grade`,
        type: 'ResultDescription',
        name: 'Letter grade',
        resultType: 'LetterGrade',
        allowedValues: [
          'NP',
          'W',
          'I',
          'IP',
          'F',
          'D-',
          'D',
          'D+',
          'C-',
          'C',
          'C+',
          'B-',
          'B',
          'B+',
          'A-',
          'A',
          'A+',
          'P',
        ],
      },
      {
        id: `${COURSE_ID}#percent`,
        type: 'ResultDescription',
        name: 'Percent',
        resultType: 'Percent',
        valueMin: '0',
        valueMax: '100',
      },
      { id: `${COURSE_ID}#status`, type: 'ResultDescription', name: 'Status', resultType: 'Status' },
    ]);
  });

  it('take the grade scale from the context, matching grades case-insensitively', () => {
    const scale = {
      HP: { passing: true, points: 4 },
      P: { passing: true, points: 3 },
      F: { passing: false, points: 0 },
    };
    const { clr, problems } = mapLearnerToClr(
      courseRecords(grade({ grade: 'hp' })),
      context({ gradeScale: scale }),
    );
    const assertion = assertionFor(clr, 'course-grade', 'G-1');

    expect(problems).toEqual([]);
    expect(assertion?.results?.[0].value).toBe('HP');
    expect(assertion?.achievement?.resultDescriptions?.[0].allowedValues).toEqual(['F', 'P', 'HP']);
  });

  it('are issued by the org unit, with its parent chain up to the institution', () => {
    const { clr } = mapGrades(grade());
    const issuer = assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer;

    expect(issuer).toEqual({
      id: ids.organizationProfileId('ORG-MATH'),
      type: 'Profile',
      name: 'Department of Mathematics',
      url: 'https://math.example.edu',
      email: 'math@example.edu',
      parentOrg: {
        id: ids.organizationProfileId('ORG-SCI'),
        type: 'Profile',
        name: 'College of Science',
        parentOrg: clr.publisher,
      },
    });
  });

  it('are issued by the institution when the course names no organization', () => {
    const records = courseRecords(grade());
    records.courses = [course({ orgId: null })];
    const { clr, problems } = mapLearnerToClr(records, context());
    expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer).toEqual(clr.publisher);
    expect(problems).toEqual([]);
  });

  it('make each retake its own assertion of the same achievement', () => {
    const { clr } = mapGrades(
      grade({ gradeId: 'G-1', term: '2023FA', grade: 'F', status: 'Failed' }),
      grade({ gradeId: 'G-2', term: '2024SP', grade: 'B', status: 'Completed' }),
    );
    const [first, second] = [
      assertionFor(clr, 'course-grade', 'G-1'),
      assertionFor(clr, 'course-grade', 'G-2'),
    ];

    expect(first?.id).not.toBe(second?.id);
    expect(first?.achievement).toEqual(second?.achievement);
    expect(first?.results?.map((result) => result.value ?? result.status)).toEqual(['F', '91.5', 'Failed']);
    expect(second?.results?.map((result) => result.value ?? result.status)).toEqual([
      'B',
      '91.5',
      'Completed',
    ]);
  });

  describe('issuedOn', () => {
    it('falls back from awarded_on to term_end', () => {
      const { clr } = mapGrades(grade({ awardedOn: null }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.issuedOn).toBe('2024-12-13T00:00:00Z');
    });

    it('falls back to updated_at (in UTC) when there is neither', () => {
      const { clr } = mapGrades(
        grade({ awardedOn: null, termEnd: null, updatedAt: '2024-12-20T11:00:00+01:00' }),
      );
      expect(assertionFor(clr, 'course-grade', 'G-1')?.issuedOn).toBe('2024-12-20T10:00:00Z');
    });

    it('skips a date after the CLR is issued (an in-progress term ends later)', () => {
      const { clr, problems } = mapGrades(
        grade({ status: 'InProgress', grade: 'IP', awardedOn: null, termEnd: '2025-05-10', percent: null }),
      );
      const assertion = assertionFor(clr, 'course-grade', 'G-1');
      expect(assertion?.issuedOn).toBe(UPDATED);
      expect(assertion?.activityEndDate).toBe('2025-05-10T00:00:00Z');
      expect(problems).toEqual([]);
    });
  });

  describe('bad rows', () => {
    it.each([
      [{ grade: 'Q+' }, 'grade is not on the configured grade scale; left out', ['91.5', 'Completed']],
      [{ grade: null }, undefined, ['91.5', 'Completed']],
      [{ percent: 120 }, 'percent is not between 0 and 100; left out', ['A-', 'Completed']],
      [{ percent: -1 }, 'percent is not between 0 and 100; left out', ['A-', 'Completed']],
      [{ status: 'Audited' }, 'status is not a known status; left out', ['A-', '91.5']],
      [{ status: null }, 'status is empty; left out', ['A-', '91.5']],
    ])('degrade %j: %s', (override, reason, kept) => {
      const { clr, problems } = mapGrades(grade(override));
      const results = assertionFor(clr, 'course-grade', 'G-1')?.results ?? [];

      expect(results.map((result) => result.value ?? result.status)).toEqual(kept);
      expect(problems).toEqual(
        reason === undefined
          ? []
          : [{ recordSet: 'clr_course_grades', key: 'G-1', effect: 'degraded', reason }],
      );
    });

    it('accept a status spelled loosely', () => {
      const { clr, problems } = mapGrades(grade({ status: 'in progress' }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.results?.[2].status).toBe('InProgress');
      expect(problems).toEqual([]);
    });

    it('drop negative credits earned', () => {
      const { clr, problems } = mapGrades(grade({ creditsEarned: -4 }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.creditsEarned).toBeUndefined();
      expect(problems).toEqual([
        {
          recordSet: 'clr_course_grades',
          key: 'G-1',
          effect: 'degraded',
          reason: 'credits_earned is not a non-negative number; ignored',
        },
      ]);
    });

    it.each([
      [{ termStart: '2024-02-30' }, 'term_start is not a calendar date; ignored', 'activityStartDate'],
      [{ termEnd: '1850-05-01' }, 'term_end has a year before 1900; ignored', 'activityEndDate'],
      [{ termEnd: '2999-05-01' }, 'term_end has a year after 2100; ignored', 'activityEndDate'],
      [{ termEnd: '2024-08-01' }, 'term_end is before the start date; end date ignored', 'activityEndDate'],
    ] as const)('drop an impossible date %j', (override, reason, dropped) => {
      const { clr, problems } = mapGrades(grade(override));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.[dropped]).toBeUndefined();
      expect(problems).toContainEqual({
        recordSet: 'clr_course_grades',
        key: 'G-1',
        effect: 'degraded',
        reason,
      });
    });

    it('fall back from an impossible awarded_on to the next date', () => {
      const { clr, problems } = mapGrades(grade({ awardedOn: '2024-13-01' }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.issuedOn).toBe('2024-12-13T00:00:00Z');
      expect(problems).toEqual([
        {
          recordSet: 'clr_course_grades',
          key: 'G-1',
          effect: 'degraded',
          reason: 'awarded_on is not a calendar date; ignored',
        },
      ]);
    });

    it('skip a grade of an unknown course', () => {
      const { clr, problems } = mapGrades(grade({ courseId: 'C-NOPE' }));
      expect(clr.assertions).toEqual([]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_course_grades',
          key: 'G-1',
          effect: 'skipped',
          reason: 'course_id names no known course',
        },
      ]);
    });

    it('skip the grades of a course with neither title nor code, reporting the course once', () => {
      const records = courseRecords(grade({ gradeId: 'G-1' }), grade({ gradeId: 'G-2' }));
      records.courses = [course({ title: '  ', code: null })];
      const { clr, problems } = mapLearnerToClr(records, context());

      expect(clr.assertions).toEqual([]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_courses',
          key: 'C-MATH-101',
          effect: 'skipped',
          reason: 'title and code are both empty',
        },
        {
          recordSet: 'clr_course_grades',
          key: 'G-1',
          effect: 'skipped',
          reason: 'its course cannot be published (see clr_courses)',
        },
        {
          recordSet: 'clr_course_grades',
          key: 'G-2',
          effect: 'skipped',
          reason: 'its course cannot be published (see clr_courses)',
        },
      ]);
    });

    it('name a course by its code when the title is missing', () => {
      const records = courseRecords(grade());
      records.courses = [course({ title: null })];
      const { clr } = mapLearnerToClr(records, context());
      expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.name).toBe('MATH-101');
    });

    it('truncate an over-long description to its bound and report it', () => {
      const records = courseRecords(grade());
      records.courses = [course({ description: 'd'.repeat(5000) })];
      const { clr, problems } = mapLearnerToClr(records, context());

      expect(
        Array.from(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.description ?? ''),
      ).toHaveLength(4000);
      expect(problems).toEqual([
        {
          recordSet: 'clr_courses',
          key: 'C-MATH-101',
          effect: 'degraded',
          reason: 'description is longer than 4000 characters; truncated',
        },
      ]);
    });

    it('keep the most recently updated of rows sharing a key, whatever order they come in', () => {
      const older = grade({ grade: 'C', updatedAt: '2024-12-01T00:00:00Z' });
      const newer = grade({ grade: 'B', updatedAt: '2024-12-02T00:00:00Z' });

      for (const order of [
        [older, newer],
        [newer, older],
      ]) {
        const { clr, problems } = mapGrades(...order);
        expect(clr.assertions).toHaveLength(1);
        expect(assertionFor(clr, 'course-grade', 'G-1')?.results?.[0].value).toBe('B');
        expect(problems).toEqual([
          {
            recordSet: 'clr_course_grades',
            key: 'G-1',
            effect: 'skipped',
            reason: '1 other row(s) share this key; kept the most recently updated one',
          },
        ]);
      }
    });

    it('skip a row of another learner, and a deleted row without a problem', () => {
      const { clr, problems } = mapGrades(
        grade({ gradeId: 'G-1', learnerId: 'S9999' }),
        grade({ gradeId: 'G-2', isDeleted: true }),
        grade({ gradeId: 'G-3' }),
      );
      expect(clr.assertions?.map((assertion) => assertion.id)).toEqual([
        ids.assertionId('course-grade', 'G-3'),
      ]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_course_grades',
          key: 'G-1',
          effect: 'skipped',
          reason: 'the row belongs to another learner',
        },
      ]);
    });

    it('skip a row with a blank key', () => {
      const { clr, problems } = mapGrades(grade({ gradeId: '' }));
      expect(clr.assertions).toEqual([]);
      expect(problems).toEqual([
        { recordSet: 'clr_course_grades', key: '', effect: 'skipped', reason: 'the row has an empty key' },
      ]);
    });
  });

  describe('organizations', () => {
    function withOrganizations(...organizations: ReturnType<typeof organization>[]) {
      const records = courseRecords(grade());
      records.organizations = organizations;
      return mapLearnerToClr(records, context());
    }

    it('issue by the institution, silently, when the records carry no organizations (optional view)', () => {
      const { clr, problems } = withOrganizations();
      expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer).toEqual(clr.publisher);
      expect(problems).toEqual([]);
    });

    it('issue by the institution when org_id names no known organization', () => {
      const { clr, problems } = withOrganizations(organization({ orgId: 'ORG-OTHER', parentOrgId: null }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer).toEqual(clr.publisher);
      expect(problems).toEqual([
        {
          recordSet: 'clr_courses',
          key: 'C-MATH-101',
          effect: 'degraded',
          reason: 'org_id names no usable organization; issued by the institution',
        },
      ]);
    });

    it('cut a parent cycle at the institution', () => {
      const { clr, problems } = withOrganizations(
        organization({ orgId: 'ORG-MATH', parentOrgId: 'ORG-SCI' }),
        organization({ orgId: 'ORG-SCI', name: 'College of Science', parentOrgId: 'ORG-MATH' }),
      );
      const issuer = assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer;
      expect(issuer?.parentOrg?.id).toBe(ids.organizationProfileId('ORG-SCI'));
      expect(issuer?.parentOrg?.parentOrg).toEqual(clr.publisher);
      expect(problems).toEqual([
        {
          recordSet: 'clr_organizations',
          key: 'ORG-SCI',
          effect: 'degraded',
          reason: 'parent_org_id forms a cycle; parent set to the institution',
        },
      ]);
    });

    it('set an unknown parent to the institution and drop a bad url and email', () => {
      const { clr, problems } = withOrganizations(
        organization({ parentOrgId: 'ORG-GONE', url: 'math dept', email: 'math at example' }),
      );
      expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer).toEqual({
        id: ids.organizationProfileId('ORG-MATH'),
        type: 'Profile',
        name: 'Department of Mathematics',
        parentOrg: clr.publisher,
      });
      expect(problems.map((problem) => problem.reason)).toEqual([
        'url is not an absolute http(s) URL; ignored',
        'email is not an email address; ignored',
        'parent_org_id names no usable organization; parent set to the institution',
      ]);
    });

    it('skip an organization without a name; its courses are issued by the institution', () => {
      const { clr, problems } = withOrganizations(organization({ name: null, parentOrgId: null }));
      expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.issuer).toEqual(clr.publisher);
      expect(problems).toEqual([
        {
          recordSet: 'clr_organizations',
          key: 'ORG-MATH',
          effect: 'skipped',
          reason: 'name is empty; its rows are issued by the institution',
        },
        {
          recordSet: 'clr_courses',
          key: 'C-MATH-101',
          effect: 'degraded',
          reason: 'org_id names no usable organization; issued by the institution',
        },
      ]);
    });
  });
});
