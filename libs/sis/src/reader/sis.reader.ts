import { type SisSourceConfig } from '@app/config';
import { type DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { RECORD_SET_CONTRACTS } from '../contract/record-set.contract';
import { type RecordSetRecords } from '../contract/record-set-records';
import { type NormalizedRow, normalizeRow } from '../normalize/row.normalizer';
import { normalizeText, normalizeTimestamp } from '../normalize/value.normalizers';
import { type RecordProblem, type RecordSetName } from '../records/sis-records';
import {
  type CatalogueRows,
  type LearnerRead,
  type LearnerRows,
  MAX_ORG_DEPTH,
  assembleLearnerRecords,
} from './learner-records.assembler';
import { type ResolvedRecordSet, resolveRecordSets } from './record-set.resolver';
import { createSisDataSource, missingSqliteFile } from './sis-data-source.factory';
import { MAX_IN_LIST, sisDialect } from './sis-dialect';
import { SisError, driverMessage, sisQueryError } from './sis.error';
import {
  CHANGED_LEARNER_ID,
  type ChangedOrganizations,
  MAX_UPDATED_AT,
  SisQueryBuilder,
} from './sis-query.builder';
import { verifySisSchema } from './sis-schema.verifier';

type RawRow = Record<string, unknown>;
type Query = SelectQueryBuilder<ObjectLiteral>;

/** One page of a record set: the usable records and the rows' problems. */
export interface RecordPage<N extends RecordSetName> {
  records: RecordSetRecords[N][];
  problems: RecordProblem[];
}

export interface SisReaderOptions {
  /** Where the source sits in the configuration, for messages; default `sis.sources[<name>]`. */
  configPath?: string;
  /** A DataSource to use instead of one built from the configuration (tests). */
  dataSource?: DataSource;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

function idText(raw: unknown): string | null {
  const result = normalizeText(raw);
  return result.ok ? result.value : null;
}

/**
 * Reads one SIS source through TypeORM, read-only. Every read is keyset-paged or bounded by a
 * batch of learner ids, so memory does not grow with the institution. The first read connects
 * and checks the views and columns (all problems in one {@link SisError}); nothing is read from
 * a source that does not fit the contract.
 */
export class SisReader {
  readonly name: string;
  readonly pageSize: number;
  readonly watermarkOverlapSeconds: number;
  readonly queries: SisQueryBuilder;
  private readonly dataSource: DataSource;
  private readonly sets: Readonly<Record<RecordSetName, ResolvedRecordSet>>;
  private readying: Promise<void> | undefined;
  private connecting: Promise<void> | undefined;

  /** @throws SisError `SIS_CONFIG` when the source's record-set configuration does not fit the contract. */
  constructor(
    private readonly source: SisSourceConfig,
    options: SisReaderOptions = {},
  ) {
    this.name = source.name;
    this.pageSize = source.pageSize;
    this.watermarkOverlapSeconds = source.watermarkOverlapSeconds;
    const resolved = resolveRecordSets(
      source,
      options.configPath ?? `sis.sources[${JSON.stringify(source.name)}]`,
    );
    if (resolved.problems.length > 0) throw SisError.listing('SIS_CONFIG', source.name, resolved.problems);
    this.sets = resolved.sets;
    this.dataSource = options.dataSource ?? createSisDataSource(source);
    this.queries = new SisQueryBuilder(this.dataSource, this.sets, sisDialect(source.driver));
  }

  /** Whether a record set is read from this source (optional ones may be switched off). */
  isEnabled(set: RecordSetName): boolean {
    return this.sets[set].enabled;
  }

  /**
   * Connects and verifies views and columns, once; a failure is not remembered, so the next
   * call tries again (the DBA may have fixed the view meanwhile).
   * @throws SisError `SIS_SCHEMA` listing every missing view or column, `SIS_UNAVAILABLE` when unreachable.
   */
  ready(): Promise<void> {
    this.readying ??= this.connectAndVerify().catch((error: unknown) => {
      this.readying = undefined;
      throw error;
    });
    return this.readying;
  }

  private async connectAndVerify(): Promise<void> {
    await this.connect();
    const problems = await verifySisSchema(this.dataSource, this.queries, this.sets);
    if (problems.length > 0) throw SisError.listing('SIS_SCHEMA', this.name, problems);
  }

  /**
   * Whether the source answers: connects if needed and runs `SELECT 1` (no view is checked, so
   * a health probe stays cheap).
   * @throws SisError `SIS_UNAVAILABLE` when it cannot connect or the query fails.
   */
  async ping(): Promise<void> {
    await this.connect();
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new SisError(
        'SIS_UNAVAILABLE',
        `SIS source "${this.name}": SELECT 1 failed: ${driverMessage(error)}`,
        [],
        {
          cause: error,
        },
      );
    }
  }

  // One initialisation at a time: ready() and ping() may race on a fresh reader.
  private connect(): Promise<void> {
    if (this.dataSource.isInitialized) return Promise.resolve();
    this.connecting ??= this.openDataSource().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async openDataSource(): Promise<void> {
    const missing = missingSqliteFile(this.source);
    if (missing !== undefined) {
      throw new SisError(
        'SIS_UNAVAILABLE',
        `SIS source "${this.name}": SQLite file not found: ${missing} (for the demo: clr-publisher demo-sis --out ${missing})`,
      );
    }
    try {
      await this.dataSource.initialize();
    } catch (error) {
      // Connection messages name hosts and logins, never row values.
      throw new SisError(
        'SIS_UNAVAILABLE',
        `SIS source "${this.name}": cannot connect: ${driverMessage(error)}`,
        [],
        {
          cause: error,
        },
      );
    }
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    this.readying = undefined;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async run(query: Query, what: string): Promise<RawRow[]> {
    const [sql, parameters] = query.getQueryAndParameters();
    try {
      return await this.dataSource.query<RawRow[]>(sql, parameters);
    } catch (error) {
      throw sisQueryError(this.name, what, error);
    }
  }

  /** Pages of the ids of every learner in clr_learners, in key order (a full run). */
  async *learnerIdPages(): AsyncGenerator<string[]> {
    await this.ready();
    yield* this.idPages((after) => this.queries.learnerIdPage(after, this.pageSize), 'reading learner ids');
  }

  /**
   * Pages of the ids of learners changed since `watermark` minus the overlap: a learner is
   * changed when one of their own rows changed, or a course, competency, course-competency link
   * or organization (or one above it) that their records depend on (README, "Incremental reads").
   * Deleted rows vanish silently from views: only a full run sees those.
   */
  async *changedLearnerIdPages(watermark: string): AsyncGenerator<string[]> {
    await this.ready();
    const since = this.sinceWithOverlap(watermark);
    const organizations = await this.changedOrganizations(since);
    yield* this.idPages(
      (after) => this.queries.changedLearnerIds(since, after, this.pageSize, organizations),
      'reading changed learner ids',
    );
  }

  /** `watermark` minus the configured overlap, as ISO 8601 UTC. */
  sinceWithOverlap(watermark: string): string {
    const parsed = normalizeTimestamp(watermark);
    if (!parsed.ok || parsed.value === null) {
      throw new SisError('SIS_QUERY', `SIS source "${this.name}": watermark is not an ISO 8601 timestamp`);
    }
    return new Date(Date.parse(parsed.value) - this.watermarkOverlapSeconds * 1000).toISOString();
  }

  private async *idPages(page: (after: unknown) => Query, what: string): AsyncGenerator<string[]> {
    let after: unknown = null;
    let previous: string | null = null;
    for (;;) {
      const rows = await this.run(page(after), what);
      const ids: string[] = [];
      for (const row of rows) {
        const id = idText(row[CHANGED_LEARNER_ID]);
        if (id === null || id === previous) continue;
        ids.push(id);
        previous = id;
      }
      if (ids.length > 0) yield ids;
      if (rows.length < this.pageSize) return;
      after = rows[rows.length - 1][CHANGED_LEARNER_ID];
    }
  }

  /**
   * Pages of one record set in key order, normalized, optionally only rows updated since
   * `since` (no overlap applied here). Duplicate keys within what is read are reported.
   */
  async *recordPages<N extends RecordSetName>(
    set: N,
    options: { since?: string } = {},
  ): AsyncGenerator<RecordPage<N>> {
    await this.ready();
    if (!this.sets[set].enabled) return;
    const contract = RECORD_SET_CONTRACTS[set] as (typeof RECORD_SET_CONTRACTS)[RecordSetName] & { name: N };
    let after: unknown[] | null = null;
    let previousKey: string | null = null;
    for (;;) {
      const rows = await this.run(
        this.queries.page(set, after, this.pageSize, options.since),
        `reading ${set}`,
      );
      const page: RecordPage<N> = { records: [], problems: [] };
      for (const raw of rows) {
        const row = normalizeRow(contract, raw);
        page.problems.push(...row.problems);
        if (row.record === null) continue;
        if (row.key === previousKey) {
          page.problems.push({
            recordSet: set,
            key: row.key,
            reason: `duplicate key: another row of ${set} has the same key`,
            effect: 'skipped',
          });
          continue;
        }
        previousKey = row.key;
        page.records.push(row.record);
      }
      if (rows.length > 0) yield page;
      if (rows.length < this.pageSize) return;
      const last = rows[rows.length - 1];
      after = contract.key.map((column) => last[column]);
    }
  }

  /**
   * The latest `updated_at` over all record sets read, up to this clock, as ISO 8601 UTC; null
   * for an empty SIS. Take it before an incremental run and commit it as the next watermark
   * after the run succeeded. A value ahead of `now` (a typo like 2199, local time written as
   * UTC, a SIS clock ahead) does not count: a watermark past it would hide every change made
   * before that time. Such rows are read again by each incremental run until their time comes.
   */
  async highWatermark(now: Date = new Date()): Promise<string | null> {
    await this.ready();
    const ceiling = now.toISOString();
    let max: string | null = null;
    for (const set of Object.values(this.sets)) {
      if (!set.enabled) continue;
      const rows = await this.run(
        this.queries.maxUpdatedAt(set.contract.name, ceiling),
        `reading MAX(updated_at) of ${set.contract.name}`,
      );
      const value = normalizeTimestamp(rows[0]?.[MAX_UPDATED_AT]);
      if (value.ok && value.value !== null && (max === null || value.value > max)) max = value.value;
    }
    return max;
  }

  /** All records of one learner, with the problems met. `records` is null when no usable learner row exists. */
  async readLearnerRecords(learnerId: string): Promise<LearnerRead> {
    const [read] = await this.readLearnersRecords([learnerId]);
    return read;
  }

  /**
   * All records of many learners at once (one query per record set per 500 learners), in the
   * order asked; an id asked twice is read once and answered twice.
   */
  async readLearnersRecords(learnerIds: readonly string[]): Promise<LearnerRead[]> {
    await this.ready();
    const unique = [...new Set(learnerIds)];
    const reads = new Map<string, LearnerRead>();
    for (const chunk of chunks(unique, MAX_IN_LIST)) {
      for (const read of await this.readChunk(chunk)) reads.set(read.learnerId, read);
    }
    return learnerIds.map((id) => reads.get(id) as LearnerRead);
  }

  private async rowsWhereIn<N extends RecordSetName>(
    set: N,
    column: string,
    values: Iterable<string>,
  ): Promise<{ raw: RawRow; row: NormalizedRow<N> }[]> {
    if (!this.sets[set].enabled) return [];
    const contract = RECORD_SET_CONTRACTS[set] as (typeof RECORD_SET_CONTRACTS)[RecordSetName] & { name: N };
    const out: { raw: RawRow; row: NormalizedRow<N> }[] = [];
    for (const chunk of chunks([...new Set(values)], MAX_IN_LIST)) {
      if (chunk.length === 0) continue;
      for (const raw of await this.run(this.queries.rowsWhereIn(set, column, chunk), `reading ${set}`)) {
        out.push({ raw, row: normalizeRow(contract, raw) });
      }
    }
    return out;
  }

  private async readChunk(learnerIds: readonly string[]): Promise<LearnerRead[]> {
    const own = new Map<string, LearnerRows>();
    for (const id of learnerIds) {
      own.set(id, { learners: [], courseGrades: [], competencyResults: [], cocurriculars: [], degrees: [] });
    }
    const ownOf = (raw: RawRow): LearnerRows | undefined => {
      const id = idText(raw.learner_id);
      return id === null ? undefined : own.get(id);
    };
    for (const { raw, row } of await this.rowsWhereIn('clr_learners', 'learner_id', learnerIds)) {
      ownOf(raw)?.learners.push(row);
    }
    const grades = await this.rowsWhereIn('clr_course_grades', 'learner_id', learnerIds);
    const results = await this.rowsWhereIn('clr_competency_results', 'learner_id', learnerIds);
    const activities = await this.rowsWhereIn('clr_cocurriculars', 'learner_id', learnerIds);
    const degrees = await this.rowsWhereIn('clr_degrees', 'learner_id', learnerIds);
    for (const { raw, row } of grades) ownOf(raw)?.courseGrades.push(row);
    for (const { raw, row } of results) ownOf(raw)?.competencyResults.push(row);
    for (const { raw, row } of activities) ownOf(raw)?.cocurriculars.push(row);
    for (const { raw, row } of degrees) ownOf(raw)?.degrees.push(row);

    const courseIds = new Set<string>();
    for (const { row } of grades) if (row.record) courseIds.add(row.record.courseId);
    for (const { row } of results) if (row.record?.courseId) courseIds.add(row.record.courseId);
    const courses = groupBy(await this.rowsWhereIn('clr_courses', 'course_id', courseIds), 'course_id');
    const links = await this.rowsWhereIn('clr_course_competencies', 'course_id', courseIds);

    const competencyIds = new Set<string>();
    for (const { row } of results) if (row.record) competencyIds.add(row.record.competencyId);
    for (const { row } of links) if (row.record) competencyIds.add(row.record.competencyId);
    const competencies = groupBy(
      await this.rowsWhereIn('clr_competencies', 'competency_id', competencyIds),
      'competency_id',
    );

    const organizations = new Map<string, NormalizedRow<'clr_organizations'>[]>();
    let wanted = new Set<string>();
    for (const [, rows] of courses)
      for (const row of rows) if (row.record?.orgId) wanted.add(row.record.orgId);
    for (const { row } of activities) if (row.record?.orgId) wanted.add(row.record.orgId);
    for (
      let depth = 0;
      wanted.size > 0 && depth <= MAX_ORG_DEPTH && this.sets.clr_organizations.enabled;
      depth += 1
    ) {
      const found = groupBy(await this.rowsWhereIn('clr_organizations', 'org_id', wanted), 'org_id');
      const next = new Set<string>();
      for (const id of wanted) organizations.set(id, found.get(id) ?? []);
      for (const [, rows] of found) {
        for (const row of rows) {
          const parent = row.record?.parentOrgId;
          if (parent && !organizations.has(parent)) next.add(parent);
        }
      }
      wanted = next;
    }

    const catalogue: CatalogueRows = {
      courses,
      competencies,
      courseCompetencies: groupBy(links, 'course_id'),
      organizations,
      read: {
        competencies: this.sets.clr_competencies.enabled,
        organizations: this.sets.clr_organizations.enabled,
      },
    };
    return learnerIds.map((id) => assembleLearnerRecords(id, own.get(id) as LearnerRows, catalogue));
  }

  /**
   * Organizations changed since `since`, with every organization below them (their learners'
   * issuer profiles name the parent). Too many for an IN list: every learner with an
   * organization counts as changed, which costs rebuilds but never misses one.
   */
  private async changedOrganizations(since: string): Promise<ChangedOrganizations> {
    if (!this.sets.clr_organizations.enabled) return [];
    const changed = new Set<string>();
    for await (const page of this.recordPages('clr_organizations', { since })) {
      for (const org of page.records) changed.add(org.orgId);
    }
    if (changed.size === 0) return [];
    const children = new Map<string, string[]>();
    for await (const page of this.recordPages('clr_organizations')) {
      for (const org of page.records) {
        if (org.parentOrgId === null) continue;
        children.set(org.parentOrgId, [...(children.get(org.parentOrgId) ?? []), org.orgId]);
      }
    }
    const queue = [...changed];
    while (queue.length > 0) {
      for (const child of children.get(queue.pop() as string) ?? []) {
        if (!changed.has(child)) {
          changed.add(child);
          queue.push(child);
        }
      }
    }
    return changed.size > MAX_IN_LIST ? 'all' : [...changed].sort();
  }
}

function groupBy<N extends RecordSetName>(
  rows: readonly { raw: RawRow; row: NormalizedRow<N> }[],
  column: string,
): Map<string, NormalizedRow<N>[]> {
  const out = new Map<string, NormalizedRow<N>[]>();
  for (const { raw, row } of rows) {
    const id = idText(raw[column]);
    if (id === null) continue;
    const list = out.get(id);
    if (list === undefined) out.set(id, [row]);
    else list.push(row);
  }
  return out;
}
