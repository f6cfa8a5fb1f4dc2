import { sisSourceSchema } from '@app/config';
import { resolveRecordSets } from './record-set.resolver';

function source(recordSets: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return sisSourceSchema.parse({
    name: 'main',
    driver: 'postgres',
    connection: { host: 'h', database: 'd', user: 'u' },
    recordSets,
    ...extra,
  });
}

describe('resolveRecordSets', () => {
  it('defaults to the contract: view of the contract name, columns as named', () => {
    const { sets, problems } = resolveRecordSets(source({}), 'sis.sources[0]');
    expect(problems).toEqual([]);
    expect(sets.clr_courses.from).toEqual({ kind: 'view', path: 'clr_courses' });
    expect(sets.clr_courses.columns.get('title')).toBe('title');
    expect(sets.clr_courses.label).toBe('view clr_courses');
    expect(sets.clr_courses.configPath).toBe('sis.sources[0].recordSets.clr_courses');
  });

  it('qualifies views with the source schema unless the view names its own', () => {
    const { sets } = resolveRecordSets(
      source(
        { clr_courses: { view: 'reg.v_courses' }, clr_degrees: { view: 'v_degrees' } },
        { schema: 'clr' },
      ),
      'sis.sources[0]',
    );
    expect(sets.clr_courses.from).toEqual({ kind: 'view', path: 'reg.v_courses' });
    expect(sets.clr_degrees.from).toEqual({ kind: 'view', path: 'clr.v_degrees' });
    expect(sets.clr_learners.from).toEqual({ kind: 'view', path: 'clr.clr_learners' });
  });

  it('applies column renames and absent nullable columns', () => {
    const { sets, problems } = resolveRecordSets(
      source({ clr_courses: { columns: { title: 'course_title', level: null } } }),
      'sis.sources[0]',
    );
    expect(problems).toEqual([]);
    expect(sets.clr_courses.columns.get('title')).toBe('course_title');
    expect(sets.clr_courses.columns.get('level')).toBeNull();
  });

  it('renames configured query parameters apart from the reader’s own', () => {
    const { sets } = resolveRecordSets(
      source({
        clr_learners: {
          query: 'SELECT * FROM s WHERE campus = :since AND x::text = :since AND y = :sinceX',
          parameters: { since: 'MAIN', sinceX: 2 },
        },
      }),
      'sis.sources[0]',
    );
    expect(sets.clr_learners.from).toEqual({
      kind: 'query',
      sql: 'SELECT * FROM s WHERE campus = :cfg_clr_learners_since AND x::text = :cfg_clr_learners_since AND y = :cfg_clr_learners_sinceX',
    });
    expect(sets.clr_learners.parameters).toEqual({
      cfg_clr_learners_since: 'MAIN',
      cfg_clr_learners_sinceX: 2,
    });
    expect(sets.clr_learners.label).toBe('the query of clr_learners');
  });

  it('lists every mismatch with the contract, with its configuration path', () => {
    const { problems } = resolveRecordSets(
      source({
        clr_courses: { columns: { titel: 'course_title', course_id: null }, enabled: false },
        clr_course_grades: { enabled: false },
      }),
      'sis.sources[2]',
    );
    expect(problems).toEqual([
      'sis.sources[2].recordSets.clr_courses.enabled: clr_courses is required and cannot be disabled',
      expect.stringMatching(
        /^sis\.sources\[2\]\.recordSets\.clr_courses\.columns\.titel: "titel" is not a column of clr_courses \(its columns: course_id, code, title/,
      ),
      'sis.sources[2].recordSets.clr_courses.columns.course_id: course_id is required in clr_courses and cannot be absent',
      'sis.sources[2].recordSets.clr_course_grades.enabled: clr_course_grades is required and cannot be disabled',
    ]);
  });
});
