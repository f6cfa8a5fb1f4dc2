import { assertionFor, context, degree, emptyRecords } from '../test/learner-records.fixture';
import { ClrIdFactory } from './clr-id.factory';
import { mapLearnerToClr } from './map-learner-to-clr';

const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);

function mapDegreeRow(row = degree()) {
  const { clr, problems } = mapLearnerToClr(emptyRecords({ degrees: [row] }), context());
  return { clr, problems, assertion: assertionFor(clr, 'degree', row.degreeId) };
}

describe('degree rows', () => {
  it('make an Assertion of a Degree achievement with field of study and specialization, issued on conferral', () => {
    const { assertion, problems, clr } = mapDegreeRow();

    expect(problems).toEqual([]);
    expect(assertion).toEqual({
      id: ids.assertionId('degree', 'D-1'),
      type: 'Assertion',
      achievement: {
        id: ids.achievementId('degree-achievement', 'D-1'),
        type: 'Achievement',
        achievementType: 'Degree',
        name: 'Bachelor of Science',
        issuer: clr.publisher,
        fieldOfStudy: 'Mathematics',
        specialization: 'Applied Mathematics',
      },
      recipient: expect.objectContaining({ hashed: true }),
      issuedOn: '2024-12-20T00:00:00Z',
    });
  });

  it.each([
    ['Diploma', 'Diploma'],
    ['certificate', 'Certificate'],
  ])('keep the type %s as %s', (degreeType, expected) => {
    expect(mapDegreeRow(degree({ degreeType })).assertion?.achievement?.achievementType).toBe(expected);
  });

  it('publish an unknown type as Degree and report it', () => {
    const { assertion, problems } = mapDegreeRow(degree({ degreeType: 'Honorary' }));
    expect(assertion?.achievement?.achievementType).toBe('Degree');
    expect(problems).toEqual([
      {
        recordSet: 'clr_degrees',
        key: 'D-1',
        effect: 'degraded',
        reason: 'degree_type is not Degree, Diploma or Certificate; published as Degree',
      },
    ]);
  });

  it('issue on updated_at when conferred_on is missing or impossible', () => {
    const missing = mapDegreeRow(degree({ conferredOn: null }));
    expect(missing.assertion?.issuedOn).toBe('2024-12-20T10:00:00Z');
    expect(missing.problems.map((problem) => problem.reason)).toEqual([
      'conferred_on is empty; issued on its last update',
    ]);

    const impossible = mapDegreeRow(degree({ conferredOn: '2024-02-30' }));
    expect(impossible.assertion?.issuedOn).toBe('2024-12-20T10:00:00Z');
    expect(impossible.problems.map((problem) => problem.reason)).toEqual([
      'conferred_on is not a calendar date; ignored',
    ]);
  });

  it('does not assert a degree conferred after the CLR is issued', () => {
    const { clr, problems } = mapDegreeRow(degree({ conferredOn: '2025-05-20' }));
    expect(clr.assertions).toEqual([]);
    expect(problems).toEqual([
      {
        recordSet: 'clr_degrees',
        key: 'D-1',
        effect: 'skipped',
        reason: 'conferred_on is after the CLR is issued; not conferred yet',
      },
    ]);
  });

  it('skip a degree without a name', () => {
    const { clr, problems } = mapDegreeRow(degree({ name: null }));
    expect(clr.assertions).toEqual([]);
    expect(problems).toEqual([
      { recordSet: 'clr_degrees', key: 'D-1', effect: 'skipped', reason: 'name is empty' },
    ]);
  });
});
