import { sisSourceSchema } from '@app/config';
import { RECORD_SET_CONTRACTS } from '../contract/record-set.contract';
import { RECORD_SETS, type RecordSetName } from '../records/sis-records';
import { SisReader } from './sis.reader';
import { MAX_IN_LIST } from './sis-dialect';

/*
 * SQL Server cannot run here. TypeORM's mssql driver builds its SQL without a connection, so
 * every query the reader sends to SQL Server is pinned here as a snapshot: a change in what
 * SQL Server would receive shows up in review.
 */

function mssqlReader(recordSets: Record<string, unknown> = {}, schema?: string): SisReader {
  const source = sisSourceSchema.parse({
    name: 'registrar',
    driver: 'mssql',
    connection: { host: 'sis.example.edu', database: 'Registrar', user: 'clr_reader', password: 'unused' },
    schema,
    pageSize: 1000,
    recordSets,
  });
  return new SisReader(source, { configPath: 'sis.sources[0]' });
}

const SINCE = '2025-01-31T23:55:00.000Z';
const all: [string, unknown[]][] = [];
function sql(query: { getQueryAndParameters(): [string, unknown[]] }): {
  sql: string;
  parameters: unknown[];
} {
  const [text, parameters] = query.getQueryAndParameters();
  all.push([text, parameters]);
  return { sql: text, parameters };
}

describe('SQL sent to SQL Server (default contract names)', () => {
  const reader = mssqlReader({}, 'clr');
  const { queries } = reader;

  it.each(RECORD_SETS.map((set) => [set]))('%s: schema probes', (set: RecordSetName) => {
    const columns = RECORD_SET_CONTRACTS[set].columns.map((column) => column.column);
    expect(sql(queries.probeRecordSet(set))).toMatchSnapshot('probe record set');
    expect(sql(queries.probeColumns(set, columns))).toMatchSnapshot('probe all columns');
    expect(sql(queries.probeColumns(set, [columns[1]]))).toMatchSnapshot('probe one column');
  });

  it.each(RECORD_SETS.map((set) => [set]))('%s: keyset pages', (set: RecordSetName) => {
    const key = RECORD_SET_CONTRACTS[set].key.map((column) => `last ${column}`);
    expect(sql(queries.page(set, null, 1000))).toMatchSnapshot('first page');
    expect(sql(queries.page(set, key, 1000))).toMatchSnapshot('next page');
    expect(sql(queries.page(set, key, 1000, SINCE))).toMatchSnapshot('next page of rows updated since');
  });

  it.each(RECORD_SETS.map((set) => [set]))('%s: MAX(updated_at)', (set: RecordSetName) => {
    expect(sql(queries.maxUpdatedAt(set, '2025-02-02T00:00:00.000Z'))).toMatchSnapshot();
  });

  it('per-learner reads', () => {
    const learners = ['S0000001', 'S0000002'];
    for (const set of [
      'clr_learners',
      'clr_course_grades',
      'clr_competency_results',
      'clr_cocurriculars',
      'clr_degrees',
    ] as const) {
      expect(sql(queries.rowsWhereIn(set, 'learner_id', learners))).toMatchSnapshot(set);
    }
    expect(sql(queries.rowsWhereIn('clr_courses', 'course_id', ['C1001', 'C1002']))).toMatchSnapshot(
      'courses',
    );
    expect(sql(queries.rowsWhereIn('clr_course_competencies', 'course_id', ['C1001']))).toMatchSnapshot(
      'links',
    );
    expect(sql(queries.rowsWhereIn('clr_competencies', 'competency_id', ['K-1']))).toMatchSnapshot(
      'competencies',
    );
    expect(sql(queries.rowsWhereIn('clr_organizations', 'org_id', ['ORG-1']))).toMatchSnapshot(
      'organizations',
    );
  });

  it('learner id pages (full run)', () => {
    expect(sql(queries.learnerIdPage(null, 1000))).toMatchSnapshot('first page');
    expect(sql(queries.learnerIdPage('S0001000', 1000))).toMatchSnapshot('next page');
  });

  it('changed learner ids (incremental run)', () => {
    expect(sql(queries.changedLearnerIds(SINCE, null, 1000, []))).toMatchSnapshot(
      'no organization changed, first page',
    );
    expect(sql(queries.changedLearnerIds(SINCE, 'S0001000', 1000, ['ORG-1', 'ORG-2']))).toMatchSnapshot(
      'two organizations changed, next page',
    );
    expect(sql(queries.changedLearnerIds(SINCE, null, 1000, 'all'))).toMatchSnapshot(
      'too many organizations changed',
    );
  });

  it('the watermark is bound as ISO 8601 without a zone letter (datetime2 reads it unambiguously)', () => {
    const { parameters } = sql(queries.changedLearnerIds(SINCE, null, 10, []));
    expect(parameters).toEqual(['2025-01-31T23:55:00.000']);
  });

  it('an IN list of MAX_IN_LIST ids stays under SQL Server’s 2,100 parameters', () => {
    const ids = Array.from({ length: MAX_IN_LIST }, (_, index) => `S${index}`);
    const { parameters } = sql(queries.rowsWhereIn('clr_course_grades', 'learner_id', ids));
    expect(parameters.length).toBe(MAX_IN_LIST);
    const orgs = Array.from({ length: MAX_IN_LIST }, (_, index) => `ORG-${index}`);
    const changed = sql(queries.changedLearnerIds(SINCE, 'S1', 1000, orgs));
    expect(changed.parameters.length).toBeLessThan(2100);
  });
});

describe('SQL sent to SQL Server (renamed views and columns, a configured query)', () => {
  const reader = mssqlReader(
    {
      clr_courses: { view: 'reg.v_course_catalog', columns: { title: 'course_title', level: null } },
      clr_learners: {
        query:
          'SELECT s.id AS learner_id, s.uuid AS sourced_id, s.first AS given_name, s.last AS family_name, ' +
          'NULL AS additional_name, s.mail AS email, s.dob AS birth_date, s.modified AS updated_at ' +
          'FROM dbo.students s WHERE s.campus = :campus AND s.consent = :consent',
        parameters: { campus: 'MAIN', consent: 1 },
      },
      clr_organizations: { enabled: false },
      clr_degrees: { columns: { specialization: null, conferred_on: 'date_conferred' } },
    },
    'clr',
  );
  const { queries } = reader;

  it('renames and absent columns', () => {
    const page = sql(queries.page('clr_courses', null, 1000));
    expect(page.sql).toContain('"src"."course_title" AS "title"');
    expect(page.sql).not.toContain('"level"');
    expect(page.sql).toContain('FROM "reg"."v_course_catalog" "src"');
    expect(page).toMatchSnapshot('renamed course view');
    expect(sql(queries.probeColumns('clr_degrees', ['conferred_on']))).toMatchSnapshot(
      'renamed column probe',
    );
  });

  it('a configured query is a derived table with its own bound parameters', () => {
    const page = sql(queries.page('clr_learners', ['S1'], 1000, SINCE));
    expect(page.sql).toContain('s.campus = @0 AND s.consent = @1');
    expect(page.parameters).toEqual(['MAIN', 1, 'S1', '2025-01-31T23:55:00.000']);
    expect(page).toMatchSnapshot('learners from a configured query');
    expect(sql(queries.changedLearnerIds(SINCE, null, 1000, []))).toMatchSnapshot(
      'changed learners, custom sources',
    );
  });

  it('disabled record sets are never queried by the incremental union', () => {
    const changed = sql(queries.changedLearnerIds(SINCE, null, 1000, 'all'));
    expect(changed.sql).not.toContain('clr_organizations');
  });
});

describe('every SQL Server statement above', () => {
  it('is a read: SELECT only, no DDL or DML, no paging by OFFSET', () => {
    expect(all.length).toBeGreaterThan(60);
    for (const [text] of all) {
      expect(text).toMatch(/^SELECT /);
      expect(text).not.toMatch(/\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|EXEC)\b/i);
      // TypeORM spells LIMIT as "OFFSET 0 ROWS FETCH NEXT n ROWS ONLY": a row goal, not paging.
      for (const offset of text.matchAll(/OFFSET (\S+) ROWS/g)) expect(offset[1]).toBe('0');
    }
  });
});
