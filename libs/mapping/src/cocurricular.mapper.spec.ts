import {
  assertionFor,
  cocurricular,
  context,
  emptyRecords,
  fullRecords,
} from '../test/learner-records.fixture';
import { ClrIdFactory } from './clr-id.factory';
import { mapLearnerToClr } from './map-learner-to-clr';

const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);

function mapActivity(row = cocurricular()) {
  const { clr, problems } = mapLearnerToClr(
    emptyRecords({ cocurriculars: [row], organizations: fullRecords().organizations }),
    context(),
  );
  return { clr, problems, assertion: assertionFor(clr, 'cocurricular', row.activityId) };
}

describe('co-curricular rows', () => {
  it('make an Assertion of their own Achievement typed by activity_type, with role, hours and dates', () => {
    const { assertion, problems, clr } = mapActivity();

    expect(problems).toEqual([]);
    expect(assertion).toEqual({
      id: ids.assertionId('cocurricular', 'A-1'),
      type: 'Assertion',
      achievement: {
        id: ids.achievementId('cocurricular-achievement', 'A-1'),
        type: 'Achievement',
        achievementType: 'CommunityService',
        name: 'Math tutoring',
        description: 'Peer tutoring in the learning centre.',
        issuer: clr.publisher,
      },
      recipient: expect.objectContaining({ type: 'email', hashed: true }),
      issuedOn: '2024-05-10T00:00:00Z',
      role: 'Tutor',
      narrative: 'Hours: 40',
      activityStartDate: '2024-01-15T00:00:00Z',
      activityEndDate: '2024-05-10T00:00:00Z',
    });
  });

  it('are issued by their org unit and on awarded_on when present', () => {
    const { assertion } = mapActivity(cocurricular({ orgId: 'ORG-MATH', awardedOn: '2024-06-01' }));
    expect(assertion?.achievement?.issuer.id).toBe(ids.organizationProfileId('ORG-MATH'));
    expect(assertion?.issuedOn).toBe('2024-06-01T00:00:00Z');
  });

  it.each([
    ['Award', 'Award'],
    ['co-curricular', 'Co-Curricular'],
    ['Membership', 'Membership'],
  ])('keep an enumerated type (%s -> %s) without a problem', (activityType, expected) => {
    const { assertion, problems } = mapActivity(cocurricular({ activityType }));
    expect(assertion?.achievement?.achievementType).toBe(expected);
    expect(problems).toEqual([]);
  });

  it('publish an unknown type as an ext: extension and report it', () => {
    const { assertion, problems } = mapActivity(cocurricular({ activityType: 'Study abroad' }));
    expect(assertion?.achievement?.achievementType).toBe('ext:StudyAbroad');
    expect(problems).toEqual([
      {
        recordSet: 'clr_cocurriculars',
        key: 'A-1',
        effect: 'degraded',
        reason: 'activity_type is not a CLR achievement type; published as ext:StudyAbroad',
      },
    ]);
  });

  it('publish a type with no usable characters as Achievement, and an empty one as Co-Curricular', () => {
    const unusable = mapActivity(cocurricular({ activityType: '???' }));
    expect(unusable.assertion?.achievement?.achievementType).toBe('Achievement');
    expect(unusable.problems[0].reason).toBe(
      'activity_type has no usable characters; published as Achievement',
    );

    const empty = mapActivity(cocurricular({ activityType: null }));
    expect(empty.assertion?.achievement?.achievementType).toBe('Co-Curricular');
    expect(empty.problems[0].reason).toBe('activity_type is empty; published as Co-Curricular');
  });

  it('drop negative hours, an end before the start and an impossible start', () => {
    const { assertion, problems } = mapActivity(
      cocurricular({ hours: -2, startDate: '2024-05-01', endDate: '2024-04-01' }),
    );
    expect(assertion?.narrative).toBeUndefined();
    expect(assertion?.activityEndDate).toBeUndefined();
    expect(assertion?.activityStartDate).toBe('2024-05-01T00:00:00Z');
    expect(problems.map((problem) => problem.reason)).toEqual([
      'hours is not a non-negative number; ignored',
      'end_date is before the start date; end date ignored',
    ]);

    const impossible = mapActivity(cocurricular({ startDate: '0024-05-01' }));
    expect(impossible.assertion?.activityStartDate).toBeUndefined();
    expect(impossible.problems.map((problem) => problem.reason)).toEqual([
      'start_date has a year before 1900; ignored',
    ]);
  });

  it('skip a row without a name', () => {
    const { clr, problems } = mapActivity(cocurricular({ name: '   ' }));
    expect(clr.assertions).toEqual([]);
    expect(problems).toEqual([
      { recordSet: 'clr_cocurriculars', key: 'A-1', effect: 'skipped', reason: 'name is empty' },
    ]);
  });

  it('truncate an over-long role', () => {
    const { assertion, problems } = mapActivity(cocurricular({ role: 'r'.repeat(300) }));
    expect(Array.from(assertion?.role ?? '')).toHaveLength(256);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'role is longer than 256 characters; truncated',
    ]);
  });
});
