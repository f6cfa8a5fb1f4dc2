import { type DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { type RecordSetName } from '../records/sis-records';
import { type ResolvedRecordSet } from './record-set.resolver';
import { type SisDialect } from './sis-dialect';

type Query = SelectQueryBuilder<ObjectLiteral>;

/** Column alias of the learner id in the changed-learners query. */
export const CHANGED_LEARNER_ID = 'learner_id';
/** Column alias of MAX(updated_at). */
export const MAX_UPDATED_AT = 'max_updated_at';

/** Which organizations' learners count as changed: a list of org ids, or all that have one. */
export type ChangedOrganizations = readonly string[] | 'all';

/**
 * Builds every SELECT the reader runs, with TypeORM's query builder on the source's DataSource:
 * quoting, placeholders and LIMIT spelling come from TypeORM's driver, so one builder serves
 * SQL Server, PostgreSQL, MySQL/MariaDB and SQLite. Nothing here writes, nothing runs DDL.
 * Internal parameters are named `sis*`; configured query parameters `cfg_*`.
 */
export class SisQueryBuilder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sets: Readonly<Record<RecordSetName, ResolvedRecordSet>>,
    private readonly dialect: SisDialect,
  ) {}

  private newQuery(): Query {
    return this.dataSource.createQueryBuilder() as Query;
  }

  private q(identifier: string): string {
    return this.dataSource.driver.escape(identifier);
  }

  /** `"alias"."actual column"` of a contract column. */
  private column(alias: string, set: RecordSetName, contractColumn: string): string {
    const actual = this.sets[set].columns.get(contractColumn);
    if (actual === null || actual === undefined) {
      throw new Error(`${set}.${contractColumn} is absent in this source`);
    }
    return `${this.q(alias)}.${this.q(actual)}`;
  }

  private has(set: RecordSetName, contractColumn: string): boolean {
    return this.sets[set].enabled && (this.sets[set].columns.get(contractColumn) ?? null) !== null;
  }

  private updatedSince(alias: string, set: RecordSetName): string {
    return `${this.dialect.timestampExpression(this.column(alias, set, 'updated_at'))} > :sisSince`;
  }

  /** FROM the record set's view or configured query, as `alias`. */
  private from(query: Query, set: RecordSetName, alias: string): Query {
    const resolved = this.sets[set];
    query.setParameters(resolved.parameters);
    return resolved.from.kind === 'view'
      ? query.from(resolved.from.path, alias)
      : query.from(`(${resolved.from.sql})`, alias);
  }

  /** `SELECT alias.column FROM set alias WHERE condition`, for `... IN (<this>)`. */
  private idsWhere(set: RecordSetName, alias: string, contractColumn: string, condition: string): string {
    const query = this.from(this.newQuery().select(this.column(alias, set, contractColumn)), set, alias);
    return query.where(condition).getQuery();
  }

  /** Every present column of the record set, aliased by its contract name. */
  private selectAll(set: RecordSetName, alias = 'src'): Query {
    const query = this.newQuery();
    let first = true;
    for (const column of this.sets[set].contract.columns) {
      if ((this.sets[set].columns.get(column.column) ?? null) === null) continue;
      const expression = this.column(alias, set, column.column);
      if (first) query.select(expression, column.column);
      else query.addSelect(expression, column.column);
      first = false;
    }
    return this.from(query, set, alias);
  }

  private orderByKey(query: Query, set: RecordSetName, alias = 'src'): Query {
    this.sets[set].contract.key.forEach((key, index) => {
      const expression = this.column(alias, set, key);
      if (index === 0) query.orderBy(expression, 'ASC');
      else query.addOrderBy(expression, 'ASC');
    });
    return query;
  }

  /** Does the view (or query) answer at all? Returns no rows. */
  probeRecordSet(set: RecordSetName): Query {
    return this.from(this.newQuery().select('1', 'probe'), set, 'src').where('1 = 0');
  }

  /** Do these contract columns exist under their configured names? Returns no rows. */
  probeColumns(set: RecordSetName, contractColumns: readonly string[]): Query {
    const query = this.newQuery();
    contractColumns.forEach((contractColumn, index) => {
      const expression = this.column('src', set, contractColumn);
      if (index === 0) query.select(expression, contractColumn);
      else query.addSelect(expression, contractColumn);
    });
    return this.from(query, set, 'src').where('1 = 0');
  }

  /**
   * One keyset page of a record set in primary-key order: rows after `after` (the last page's
   * last key, as the driver returned it), optionally only those updated since `since`.
   */
  page(set: RecordSetName, after: readonly unknown[] | null, limit: number, since?: string): Query {
    const query = this.selectAll(set);
    const key = this.sets[set].contract.key;
    if (after !== null) {
      const [first, second] = key.map((column) => this.column('src', set, column));
      if (second === undefined) {
        query.where(`${first} > :sisAfter0`, { sisAfter0: after[0] });
      } else {
        query.where(`(${first} > :sisAfter0 OR (${first} = :sisAfter0 AND ${second} > :sisAfter1))`, {
          sisAfter0: after[0],
          sisAfter1: after[1],
        });
      }
    }
    if (since !== undefined) {
      query.andWhere(this.updatedSince('src', set), { sisSince: this.dialect.timestampParameter(since) });
    }
    return this.orderByKey(query, set).limit(limit);
  }

  /** All rows of a record set whose `column` is one of `values` (at most MAX_IN_LIST), key order. */
  rowsWhereIn(set: RecordSetName, contractColumn: string, values: readonly string[]): Query {
    const query = this.selectAll(set).where(`${this.column('src', set, contractColumn)} IN (:...sisValues)`, {
      sisValues: values,
    });
    return this.orderByKey(query, set);
  }

  /** One keyset page of learner ids from clr_learners (a full run's list of learners). */
  learnerIdPage(after: unknown, limit: number): Query {
    const id = this.column('src', 'clr_learners', 'learner_id');
    // No NULL ids: PostgreSQL sorts them last, and a page ending on one would restart the paging.
    const query = this.from(this.newQuery().select(id, CHANGED_LEARNER_ID), 'clr_learners', 'src').where(
      `${id} IS NOT NULL`,
    );
    if (after !== null && after !== undefined) query.andWhere(`${id} > :sisAfter0`, { sisAfter0: after });
    return query.orderBy(id, 'ASC').limit(limit);
  }

  /**
   * MAX(updated_at) of a record set, ignoring values after `ceiling` (a typo like 2199-01-01
   * must not push the watermark past every future change).
   */
  maxUpdatedAt(set: RecordSetName, ceiling: string): Query {
    const expression = this.dialect.timestampExpression(this.column('src', set, 'updated_at'));
    return this.from(this.newQuery().select(`MAX(${expression})`, MAX_UPDATED_AT), set, 'src').where(
      `${expression} <= :sisCeiling`,
      { sisCeiling: this.dialect.timestampParameter(ceiling) },
    );
  }

  /**
   * One keyset page of the ids of learners changed since `since`: a learner changed when a row
   * of their own changed, or a catalogue row their records depend on (see README, "Incremental
   * reads"). UNION removes duplicates; the database orders and compares ids in its collation.
   */
  changedLearnerIds(
    since: string,
    after: unknown,
    limit: number,
    organizations: ChangedOrganizations,
  ): Query {
    const branches = this.changedLearnerBranches(organizations).map((branch) => branch.getQuery());
    const id = `${this.q('changed')}.${this.q(CHANGED_LEARNER_ID)}`;
    const query = this.dataSource
      .createQueryBuilder()
      .select(id, CHANGED_LEARNER_ID)
      .from(`(${branches.join(' UNION ')})`, 'changed')
      // No NULL ids (a grade row without a learner): see learnerIdPage.
      .where(`${id} IS NOT NULL`)
      .setParameters({ sisSince: this.dialect.timestampParameter(since) });
    for (const set of Object.values(this.sets)) query.setParameters(set.parameters);
    if (organizations !== 'all' && organizations.length > 0)
      query.setParameters({ sisOrgIds: organizations });
    if (after !== null && after !== undefined) query.andWhere(`${id} > :sisAfter0`, { sisAfter0: after });
    return query.orderBy(id, 'ASC').limit(limit);
  }

  private changedLearnerBranches(organizations: ChangedOrganizations): Query[] {
    const branches: Query[] = [];
    const learnerIds = (set: RecordSetName, alias: string): Query =>
      this.from(
        this.newQuery().select(this.column(alias, set, 'learner_id'), CHANGED_LEARNER_ID),
        set,
        alias,
      );
    const orgsChanged = organizations === 'all' || organizations.length > 0;
    const orgCondition = (column: string): string =>
      organizations === 'all' ? `${column} IS NOT NULL` : `${column} IN (:...sisOrgIds)`;

    // The learner's own rows.
    for (const set of [
      'clr_learners',
      'clr_course_grades',
      'clr_competency_results',
      'clr_cocurriculars',
      'clr_degrees',
    ] as const) {
      if (!this.sets[set].enabled) continue;
      branches.push(learnerIds(set, 't_own').where(this.updatedSince('t_own', set)));
    }

    // Catalogue rows reached through a course the learner holds a grade in, or was assessed in.
    // Semi-joins (IN subqueries), not joins: TypeORM reads a joined "schema.view" as a relation.
    const courseSets = {
      changed: this.idsWhere(
        'clr_courses',
        't_course',
        'course_id',
        this.updatedSince('t_course', 'clr_courses'),
      ),
      orgChanged:
        orgsChanged && this.has('clr_courses', 'org_id')
          ? this.idsWhere(
              'clr_courses',
              't_course',
              'course_id',
              orgCondition(this.column('t_course', 'clr_courses', 'org_id')),
            )
          : undefined,
      linkChanged: this.sets.clr_course_competencies.enabled
        ? this.idsWhere(
            'clr_course_competencies',
            't_link',
            'course_id',
            this.updatedSince('t_link', 'clr_course_competencies'),
          )
        : undefined,
      competencyChanged:
        this.sets.clr_course_competencies.enabled && this.sets.clr_competencies.enabled
          ? this.idsWhere(
              'clr_course_competencies',
              't_link',
              'course_id',
              `${this.column('t_link', 'clr_course_competencies', 'competency_id')} IN (${this.idsWhere(
                'clr_competencies',
                't_comp',
                'competency_id',
                this.updatedSince('t_comp', 'clr_competencies'),
              )})`,
            )
          : undefined,
    };
    const holders: { set: 'clr_course_grades' | 'clr_competency_results'; alias: string }[] = [];
    if (this.sets.clr_course_grades.enabled) holders.push({ set: 'clr_course_grades', alias: 't_grade' });
    if (this.has('clr_competency_results', 'course_id')) {
      holders.push({ set: 'clr_competency_results', alias: 't_result' });
    }
    for (const { set, alias } of holders) {
      const courseId = this.column(alias, set, 'course_id');
      for (const courses of Object.values(courseSets)) {
        if (courses !== undefined) branches.push(learnerIds(set, alias).where(`${courseId} IN (${courses})`));
      }
    }

    // A competency the learner has a result for changed.
    if (this.sets.clr_competency_results.enabled && this.sets.clr_competencies.enabled) {
      const set = 'clr_competency_results';
      const changed = this.idsWhere(
        'clr_competencies',
        't_comp',
        'competency_id',
        this.updatedSince('t_comp', 'clr_competencies'),
      );
      branches.push(
        learnerIds(set, 't_result').where(`${this.column('t_result', set, 'competency_id')} IN (${changed})`),
      );
    }

    // The organization of a co-curricular activity (or one above it) changed.
    if (orgsChanged && this.has('clr_cocurriculars', 'org_id')) {
      const set = 'clr_cocurriculars';
      branches.push(learnerIds(set, 't_act').where(orgCondition(this.column('t_act', set, 'org_id'))));
    }
    return branches;
  }
}
