import { createHash } from 'node:crypto';
import { type Clr } from '@app/clr';
import {
  allStrings,
  assertionFor,
  cocurricular,
  competencyResult,
  context,
  degree,
  emptyRecords,
  fullRecords,
  grade,
  learner,
  LEARNER_ID,
} from '../test/learner-records.fixture';
import { ClrIdFactory } from './clr-id.factory';
import { mapLearnerToClr } from './map-learner-to-clr';
import { MappingError } from './mapping.error';

const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);

describe('mapLearnerToClr', () => {
  describe('the CLR', () => {
    it('is one CLR per learner, published by the institution, with the learner Profile', () => {
      const { clr, problems } = mapLearnerToClr(fullRecords(), context());

      expect(problems).toEqual([]);
      expect(clr.id).toBe(ids.clrId(LEARNER_ID));
      expect(clr.type).toBe('Clr');
      expect(clr.issuedOn).toBe('2025-01-15T02:00:00Z');
      expect(clr.partial).toBe(false);
      expect(clr.publisher).toEqual({
        id: 'https://clr.example.edu/ims/clr/v1p0/profiles/institution',
        type: 'Profile',
        name: 'Example University',
        sourcedId: 'example-u',
        url: 'https://www.example.edu',
        email: 'registrar@example.edu',
      });
      expect(clr.learner).toEqual({
        id: ids.learnerProfileId(LEARNER_ID),
        type: 'Profile',
        studentId: LEARNER_ID,
        sourcedId: 'sourced-1001',
        givenName: 'Ada',
        familyName: 'Lovelace',
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.edu',
        birthDate: '2003-12-10',
      });
    });

    it('orders assertions by kind (course grades, competency results, co-curriculars, degrees), then by key', () => {
      const records = fullRecords({
        courseGrades: [grade({ gradeId: 'G-2' }), grade({ gradeId: 'G-1' })],
        degrees: [degree({ degreeId: 'D-9' }), degree({ degreeId: 'D-1' })],
      });

      const { clr } = mapLearnerToClr(records, context());

      expect(clr.assertions?.map((assertion) => assertion.id)).toEqual([
        ids.assertionId('course-grade', 'G-1'),
        ids.assertionId('course-grade', 'G-2'),
        ids.assertionId('competency-result', 'R-1'),
        ids.assertionId('cocurricular', 'A-1'),
        ids.assertionId('degree', 'D-1'),
        ids.assertionId('degree', 'D-9'),
      ]);
    });

    it('is a CLR with no assertions for a learner with no records', () => {
      const { clr, problems } = mapLearnerToClr(emptyRecords(), context());
      expect(clr.assertions).toEqual([]);
      expect(clr.achievements).toBeUndefined();
      expect(problems).toEqual([]);
    });
  });

  describe('the learner Profile', () => {
    it('leaves out a bad email and birth date, reporting both, and bounds long names', () => {
      const records = fullRecords({
        learner: learner({
          email: 'ada at example',
          birthDate: '2003-02-30',
          familyName: 'L'.repeat(300),
          sourcedId: null,
        }),
      });
      const { clr, problems } = mapLearnerToClr(records, context());

      expect(clr.learner.email).toBeUndefined();
      expect(clr.learner.birthDate).toBeUndefined();
      expect(clr.learner.sourcedId).toBeUndefined();
      expect(Array.from(clr.learner.familyName ?? '')).toHaveLength(256);
      expect(clr.assertions?.[0].recipient?.type).toBe('studentId');
      expect(
        problems.map((problem) => [problem.recordSet, problem.key, problem.effect, problem.reason]),
      ).toEqual([
        ['clr_learners', LEARNER_ID, 'degraded', 'family_name is longer than 256 characters; truncated'],
        ['clr_learners', LEARNER_ID, 'degraded', 'email is not an email address; left out'],
        ['clr_learners', LEARNER_ID, 'degraded', 'birth_date is not a calendar date; ignored'],
      ]);
    });

    it('keeps a learner with no names: the Profile only needs its id and student id', () => {
      const records = fullRecords({
        learner: learner({ givenName: null, familyName: null, email: null, birthDate: null }),
      });
      const { clr } = mapLearnerToClr(records, context());
      expect(clr.learner).toEqual({
        id: ids.learnerProfileId(LEARNER_ID),
        type: 'Profile',
        studentId: LEARNER_ID,
        sourcedId: 'sourced-1001',
      });
    });
  });

  describe('determinism', () => {
    it('gives the same JSON, byte for byte, for the same records in any order', () => {
      const records = fullRecords({
        courseGrades: [
          grade({ gradeId: 'G-1' }),
          grade({ gradeId: 'G-2', grade: 'B' }),
          grade({ gradeId: 'G-3', grade: 'Z' }),
        ],
        cocurriculars: [
          cocurricular({ activityId: 'A-1' }),
          cocurricular({ activityId: 'A-2', activityType: 'Study abroad' }),
        ],
      });
      const reversed = {
        ...records,
        courseGrades: [...records.courseGrades].reverse(),
        cocurriculars: [...records.cocurriculars].reverse(),
        organizations: [...records.organizations].reverse(),
      };

      const first = mapLearnerToClr(records, context());
      const second = mapLearnerToClr(reversed, context());

      expect(JSON.stringify(second.clr)).toBe(JSON.stringify(first.clr));
      expect(second.problems).toEqual(first.problems);
    });

    it('changes only the CLR issuedOn when the caller issues it at another time', () => {
      const earlier = mapLearnerToClr(fullRecords(), context()).clr;
      const later = mapLearnerToClr(fullRecords(), context({ issuedOn: '2025-02-01T02:00:00Z' })).clr;

      expect({ ...later, issuedOn: earlier.issuedOn }).toEqual(earlier);
    });

    it('keeps ids and salts when a row is edited, and changes them with another idSecret', () => {
      const before = mapLearnerToClr(fullRecords(), context()).clr;
      const edited = mapLearnerToClr(fullRecords({ courseGrades: [grade({ grade: 'B+' })] }), context()).clr;
      const otherSecret = mapLearnerToClr(
        fullRecords(),
        context({ idSecret: 'another-secret-another-secret-0002' }),
      ).clr;

      expect(edited.assertions?.[0].id).toBe(before.assertions?.[0].id);
      expect(edited.assertions?.[0].recipient).toEqual(before.assertions?.[0].recipient);
      expect(otherSecret.assertions?.[0].id).not.toBe(before.assertions?.[0].id);
      expect(otherSecret.assertions?.[0].recipient?.salt).not.toBe(before.assertions?.[0].recipient?.salt);
    });
  });

  describe('recipient', () => {
    function recipientOf(clr: Clr) {
      return clr.assertions?.[0].recipient;
    }

    it('hashes the lower-cased email with a salt derived from the assertion id (email-then-studentId)', () => {
      const { clr } = mapLearnerToClr(fullRecords(), context());
      const assertion = assertionFor(clr, 'course-grade', 'G-1');
      const salt = ids.recipientSalt(assertion?.id ?? '');

      expect(assertion?.recipient).toEqual({
        type: 'email',
        identity: `sha256$${createHash('sha256').update(`ada.lovelace@example.edu${salt}`).digest('hex')}`,
        hashed: true,
        salt,
      });
    });

    it('uses a different salt (so a different hash) in every assertion', () => {
      const { clr } = mapLearnerToClr(fullRecords(), context());
      const salts = new Set(clr.assertions?.map((assertion) => assertion.recipient?.salt));
      const hashes = new Set(clr.assertions?.map((assertion) => assertion.recipient?.identity));
      expect(salts.size).toBe(clr.assertions?.length);
      expect(hashes.size).toBe(clr.assertions?.length);
    });

    it('falls back to the student id when the learner has no email', () => {
      const { clr, problems } = mapLearnerToClr(
        fullRecords({ learner: learner({ email: null }) }),
        context(),
      );
      const recipient = recipientOf(clr);
      expect(recipient?.type).toBe('studentId');
      expect(recipient?.identity).toBe(
        `sha256$${createHash('sha256').update(`${LEARNER_ID}${recipient?.salt}`).digest('hex')}`,
      );
      expect(problems).toEqual([]);
    });

    it('reports a learner without email under the email policy, identified by student id', () => {
      const { clr, problems } = mapLearnerToClr(
        fullRecords({ learner: learner({ email: '  ' }) }),
        context({ recipientIdentity: 'email' }),
      );
      expect(recipientOf(clr)?.type).toBe('studentId');
      expect(problems).toEqual([
        {
          recordSet: 'clr_learners',
          key: LEARNER_ID,
          effect: 'degraded',
          reason: 'no usable email to identify the recipient; student id used',
        },
      ]);
    });

    it('uses the student id under the studentId policy even when there is an email', () => {
      const { clr } = mapLearnerToClr(fullRecords(), context({ recipientIdentity: 'studentId' }));
      expect(recipientOf(clr)?.type).toBe('studentId');
    });

    it('publishes the identity in clear only when hashing is turned off', () => {
      const { clr } = mapLearnerToClr(fullRecords(), context({ hashRecipientIdentity: false }));
      expect(recipientOf(clr)).toEqual({
        type: 'email',
        identity: 'ada.lovelace@example.edu',
        hashed: false,
      });
    });
  });

  describe('an unusable context or learner', () => {
    it.each([
      [{ publicBaseUrl: 'clr.example.edu' }, 'context.publicBaseUrl must be an absolute http(s) URL'],
      [{ idSecret: '' }, 'context.idSecret must not be empty'],
      [{ issuedOn: '2025-01-15 02:00' }, 'context.issuedOn is not an ISO 8601 timestamp with a time zone'],
      [{ performanceLevels: [] }, 'context.performanceLevels must list at least one level'],
      [
        { institution: { id: 'x', name: 'X', url: 'not a url' } },
        'context.institution.url must be an absolute http(s) URL',
      ],
    ])('throws a MappingError naming the field (%j)', (override, message) => {
      expect(() => mapLearnerToClr(fullRecords(), context(override))).toThrow(
        new MappingError(message.split(' ')[0], message.slice(message.indexOf(' ') + 1)),
      );
    });

    it('throws when the learner row has no learner id', () => {
      expect(() => mapLearnerToClr(fullRecords({ learner: learner({ learnerId: ' ' }) }), context())).toThrow(
        'records.learner.learnerId is empty',
      );
    });
  });

  describe('problems', () => {
    it('never carry personal data: names, emails, grades, dates or student ids', () => {
      const records = fullRecords({
        learner: learner({ email: 'not-an-email', birthDate: '2003-02-30', givenName: 'Z'.repeat(300) }),
        courseGrades: [
          grade({
            gradeId: 'G-1',
            grade: 'Q+',
            percent: 140,
            creditsEarned: -3,
            termStart: '2024-12-01',
            termEnd: '2024-01-01',
          }),
          grade({ gradeId: 'G-2', learnerId: 'S2002' }),
          grade({ gradeId: 'G-3', courseId: 'NOPE', status: 'Audited' }),
        ],
        competencyResults: [competencyResult({ level: 'Wizard', score: null })],
        cocurriculars: [cocurricular({ activityType: 'Secret society', hours: -1, startDate: '1850-01-01' })],
        degrees: [degree({ degreeType: 'Honorary', conferredOn: '2024-02-30' })],
      });

      const { problems } = mapLearnerToClr(records, context());

      expect(problems.length).toBeGreaterThan(10);
      const personal = [
        'Ada',
        'Lovelace',
        'not-an-email',
        '2003-02-30',
        'Q+',
        '140',
        'S2002',
        'Audited',
        'Wizard',
        '1850',
        'ZZZ',
      ];
      for (const problem of problems) {
        for (const value of personal) expect(problem.reason).not.toContain(value);
        expect(problem.reason).not.toContain(LEARNER_ID);
      }
    });

    it('do not stop the other rows: every good row is still asserted', () => {
      const records = fullRecords({
        courseGrades: [grade({ gradeId: 'G-1' }), grade({ gradeId: 'G-bad', courseId: 'NOPE' })],
        competencyResults: [
          competencyResult({ resultId: 'R-1' }),
          competencyResult({ resultId: 'R-bad', competencyId: 'NOPE' }),
        ],
        cocurriculars: [
          cocurricular({ activityId: 'A-1' }),
          cocurricular({ activityId: 'A-bad', name: null }),
        ],
        degrees: [degree({ degreeId: 'D-1' }), degree({ degreeId: 'D-bad', name: '' })],
      });

      const { clr, problems } = mapLearnerToClr(records, context());

      expect(clr.assertions).toHaveLength(4);
      expect(problems.map((problem) => `${problem.recordSet}/${problem.key}/${problem.effect}`)).toEqual([
        'clr_course_grades/G-bad/skipped',
        'clr_competency_results/R-bad/skipped',
        'clr_cocurriculars/A-bad/skipped',
        'clr_degrees/D-bad/skipped',
      ]);
    });

    it('leave no personal data in ids: no student id, name or email anywhere but the learner Profile', () => {
      const { clr } = mapLearnerToClr(fullRecords(), context());
      const { learner: _learner, ...rest } = clr;
      const strings = allStrings(rest);
      for (const value of [LEARNER_ID, 'Ada', 'Lovelace', 'ada.lovelace@example.edu']) {
        expect(strings.some((text) => text.includes(value))).toBe(false);
      }
    });
  });
});
