import { existsSync } from 'node:fs';
import { type SisSourceConfig } from '@app/config';
import { types as pgTypes } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

const PG_DATE = 1082;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

/**
 * node-postgres turns `timestamp` (no zone) into a Date in the *process's* local zone. The
 * reader wants the text and applies the contract's UTC rule itself; these parsers apply to the
 * SIS pool only (pg's global parsers stay untouched for the publisher's own store).
 */
const pgRawDateTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === PG_DATE || oid === PG_TIMESTAMP || oid === PG_TIMESTAMPTZ) return (value: string) => value;
    return pgTypes.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

/** The TypeORM options for one SIS source: read-only in intent, no entities, never synchronize. */
export function sisDataSourceOptions(source: SisSourceConfig): DataSourceOptions {
  const common = {
    name: `sis:${source.name}`,
    entities: [],
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  switch (source.driver) {
    case 'mssql':
      return {
        ...common,
        type: 'mssql',
        host: source.connection.host,
        port: source.connection.port,
        database: source.connection.database,
        username: source.connection.user,
        password: source.connection.password,
        requestTimeout: source.connection.options.requestTimeoutMs,
        pool: { max: 10, min: 0 },
        options: {
          encrypt: source.connection.options.encrypt,
          trustServerCertificate: source.connection.options.trustServerCertificate,
          readOnlyIntent: source.connection.options.readOnlyIntent,
          instanceName: source.connection.options.instanceName,
          // tedious reads datetime2 as UTC (TypeORM's default would be local time).
          useUTC: true,
          appName: 'clr-publisher',
        },
      };
    case 'postgres':
      return {
        ...common,
        type: 'postgres',
        host: source.connection.host,
        port: source.connection.port,
        database: source.connection.database,
        username: source.connection.user,
        password: source.connection.password,
        ssl: source.connection.options.ssl
          ? { rejectUnauthorized: source.connection.options.rejectUnauthorized }
          : false,
        applicationName: 'clr-publisher',
        poolSize: 10,
        extra: {
          types: pgRawDateTypes,
          // Belt and braces: every transaction of this pool is read-only.
          options: '-c default_transaction_read_only=on',
        },
      };
    case 'mysql':
    case 'mariadb':
      return {
        ...common,
        type: source.driver,
        host: source.connection.host,
        port: source.connection.port,
        database: source.connection.database,
        username: source.connection.user,
        password: source.connection.password,
        ssl: source.connection.options.ssl
          ? { rejectUnauthorized: source.connection.options.rejectUnauthorized }
          : undefined,
        // Text for dates and big numbers: the reader normalizes them without zone or precision loss.
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        timezone: 'Z',
        poolSize: 10,
      };
    case 'sqlite':
      return {
        ...common,
        type: 'better-sqlite3',
        database: source.connection.file,
        readonly: true,
        fileMustExist: true,
      };
  }
}

/**
 * A DataSource for one SIS source, not yet connected. A DataSource builds SQL without a
 * connection, which is how the SQL Server queries are snapshot-tested here.
 */
export function createSisDataSource(source: SisSourceConfig): DataSource {
  return new DataSource(sisDataSourceOptions(source));
}

/** A SQLite source's file must exist: TypeORM would otherwise create its folder first. */
export function missingSqliteFile(source: SisSourceConfig): string | undefined {
  if (source.driver !== 'sqlite') return undefined;
  return existsSync(source.connection.file) ? undefined : source.connection.file;
}
