import { z } from 'zod';
import {
  columnName,
  cronExpression,
  flag,
  integer,
  nonEmpty,
  slug,
  sqlIdentifier,
  timeZone,
} from './config-primitives';

/**
 * The record sets of the SIS contract. The same list lives in `@app/sis` (RECORD_SETS), which
 * checks in a test that the two agree: config sits below sis and cannot import it.
 */
export const SIS_RECORD_SET_NAMES = [
  'clr_learners',
  'clr_organizations',
  'clr_courses',
  'clr_course_grades',
  'clr_competencies',
  'clr_competency_results',
  'clr_course_competencies',
  'clr_cocurriculars',
  'clr_degrees',
] as const;
export type SisRecordSetName = (typeof SIS_RECORD_SET_NAMES)[number];

export const SIS_DRIVERS = ['mssql', 'postgres', 'mysql', 'mariadb', 'sqlite'] as const;
export type SisDriver = (typeof SIS_DRIVERS)[number];

const queryParameterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Named parameters in a custom query: `:name` (letters, digits, `_`), not `::cast`. */
export function queryParameterNames(query: string): string[] {
  const names = new Set<string>();
  for (const match of query.matchAll(/(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]);
  return [...names];
}

/**
 * How one record set is read. By default the view of the contract's name with the contract's
 * columns. `view` renames the view; `columns` maps contract column -> the SIS's column (`null`
 * for a nullable column the SIS does not have); `query` replaces the view by a SELECT whose
 * `:name` placeholders take their values from `parameters` (sent as bound parameters, never
 * spliced into the SQL).
 */
export const recordSetSchema = z
  .object({
    enabled: flag().default(true),
    view: sqlIdentifier.optional(),
    columns: z.record(z.string(), columnName.nullable()).default({}),
    query: z.string().trim().min(1).optional(),
    parameters: z.record(z.string(), queryParameterValue).default({}),
  })
  .strict()
  .superRefine((set, ctx) => {
    if (set.view !== undefined && set.query !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'give either "view" or "query", not both' });
    }
    if (set.query === undefined) {
      if (Object.keys(set.parameters).length > 0) {
        ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'parameters need a "query"' });
      }
      return;
    }
    if (!/^select\s/i.test(set.query)) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: 'must be a single SELECT statement (no WITH, no statements before it)',
      });
    }
    if (/;\s*\S|;\s*$/.test(set.query)) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'must not contain ";" (one SELECT only)' });
    }
    const used = queryParameterNames(set.query);
    for (const name of used) {
      if (!(name in set.parameters)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `the query uses :${name} but "parameters" gives no value for it`,
        });
      }
    }
    for (const name of Object.keys(set.parameters)) {
      if (!used.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `the query never uses :${name}`,
        });
      }
    }
  });
export type RecordSetConfig = z.output<typeof recordSetSchema>;

const recordSetsSchema = z
  .object(
    Object.fromEntries(SIS_RECORD_SET_NAMES.map((name) => [name, recordSetSchema.optional()])) as Record<
      SisRecordSetName,
      z.ZodOptional<typeof recordSetSchema>
    >,
  )
  .strict()
  .default({})
  .superRefine((sets, ctx) => {
    if (sets.clr_learners?.enabled === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['clr_learners', 'enabled'],
        message: 'clr_learners cannot be disabled',
      });
    }
  });

const scheduleSchema = z
  .object({
    /** Incremental runs (changed learners since the last watermark). */
    incremental: cronExpression.optional(),
    /** Full runs (every learner; reconciles rows that vanished). */
    full: cronExpression.optional(),
    /** IANA time zone the cron expressions are read in; default UTC. */
    timeZone: timeZone.default('UTC'),
  })
  .strict();

const networkConnection = {
  host: nonEmpty,
  database: nonEmpty,
  user: nonEmpty,
  password: z.string().default(''),
};

const mssqlConnection = z
  .object({
    ...networkConnection,
    port: integer(1, 65535).default(1433),
    options: z
      .object({
        encrypt: flag().default(true),
        trustServerCertificate: flag().default(false),
        /** ApplicationIntent=ReadOnly: routes to a readable secondary of an availability group. */
        readOnlyIntent: flag().default(false),
        instanceName: nonEmpty.optional(),
        requestTimeoutMs: integer(1000, 3_600_000).default(120_000),
      })
      .strict()
      .default({}),
  })
  .strict();

const postgresConnection = z
  .object({
    ...networkConnection,
    port: integer(1, 65535).default(5432),
    options: z
      .object({
        ssl: flag().default(false),
        /** Verify the server certificate when ssl is on. */
        rejectUnauthorized: flag().default(true),
      })
      .strict()
      .default({}),
  })
  .strict();

const mysqlConnection = z
  .object({
    ...networkConnection,
    port: integer(1, 65535).default(3306),
    options: z
      .object({ ssl: flag().default(false), rejectUnauthorized: flag().default(true) })
      .strict()
      .default({}),
  })
  .strict();

const sqliteConnection = z
  .object({
    /** Path of the SQLite file; relative paths are resolved against the project root. */
    file: nonEmpty,
  })
  .strict();

const sourceCommon = {
  name: slug,
  /** Schema (SQL Server / PostgreSQL) holding the views; default: the connection's default. */
  schema: sqlIdentifier.optional(),
  /** Rows per page of every keyset-paged read. */
  pageSize: integer(10, 50_000).default(1000),
  /** Incremental reads look back this far before the watermark (clock skew, long transactions). */
  watermarkOverlapSeconds: integer(0, 7 * 24 * 3600).default(300),
  schedule: scheduleSchema.default({}),
  recordSets: recordSetsSchema,
};

export const sisSourceSchema = z.discriminatedUnion('driver', [
  z.object({ ...sourceCommon, driver: z.literal('mssql'), connection: mssqlConnection }).strict(),
  z.object({ ...sourceCommon, driver: z.literal('postgres'), connection: postgresConnection }).strict(),
  z.object({ ...sourceCommon, driver: z.literal('mysql'), connection: mysqlConnection }).strict(),
  z.object({ ...sourceCommon, driver: z.literal('mariadb'), connection: mysqlConnection }).strict(),
  z.object({ ...sourceCommon, driver: z.literal('sqlite'), connection: sqliteConnection }).strict(),
]);
export type SisSourceConfig = z.output<typeof sisSourceSchema>;
export type MssqlSisSourceConfig = Extract<SisSourceConfig, { driver: 'mssql' }>;
export type PostgresSisSourceConfig = Extract<SisSourceConfig, { driver: 'postgres' }>;
export type MysqlSisSourceConfig = Extract<SisSourceConfig, { driver: 'mysql' | 'mariadb' }>;
export type SqliteSisSourceConfig = Extract<SisSourceConfig, { driver: 'sqlite' }>;

export const sisSchema = z
  .object({
    sources: z.array(sisSourceSchema).min(1, 'at least one SIS source is needed'),
  })
  .strict()
  .superRefine((sis, ctx) => {
    const seen = new Set<string>();
    sis.sources.forEach((source, index) => {
      if (seen.has(source.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'name'],
          message: `duplicate source name "${source.name}"`,
        });
      }
      seen.add(source.name);
      if (source.driver === 'sqlite' && source.schema !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'schema'],
          message: 'SQLite has no schemas',
        });
      }
    });
  });
export type SisConfig = z.output<typeof sisSchema>;
