import { type StoreDriver } from './database/portable-column';
import { StoreError } from './store.errors';

interface NetworkStoreOptions {
  host: string;
  port?: number;
  database: string;
  username: string;
  password?: string;
  /** Log every SQL statement (never in production: statements carry learner data). */
  logging?: boolean;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** The embedded default: one SQLite file (created with its folder when missing). */
export interface SqliteStoreOptions {
  driver: 'sqlite';
  file: string;
  logging?: boolean;
  /** How long a statement waits for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface PostgresStoreOptions extends NetworkStoreOptions {
  driver: 'postgres';
  /** Schema of the store's tables (default `public`); it must exist. */
  schema?: string;
  ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string };
}

export interface MssqlStoreOptions extends NetworkStoreOptions {
  driver: 'mssql';
  /** Schema of the store's tables (default `dbo`); it must exist. */
  schema?: string;
  options?: { encrypt?: boolean; trustServerCertificate?: boolean; instanceName?: string };
}

/**
 * MySQL 8 or MariaDB 10.6+ (say which: TypeORM reads their catalogues differently). The
 * database should default to `utf8mb4`.
 */
export interface MysqlStoreOptions extends NetworkStoreOptions {
  driver: 'mysql' | 'mariadb';
}

/** Where the publisher's own database lives. A plain value: the caller reads configuration. */
export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions | MssqlStoreOptions | MysqlStoreOptions;

const URL_DRIVERS: Record<string, StoreDriver> = {
  'sqlite:': 'sqlite',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mssql:': 'mssql',
  'sqlserver:': 'mssql',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

/**
 * Reads a store URL: `sqlite:relative/or/absolute.db`, `postgres://user:pass@host:5432/db?schema=s`,
 * `mssql://user:pass@host:1433/db?schema=dbo&encrypt=true&trustServerCertificate=false`,
 * `mysql://user:pass@host:3306/db`. The error never repeats the URL (it may hold a password).
 */
export function parseStoreUrl(text: string): StoreOptions {
  const trimmed = text.trim();
  const scheme = /^([a-z]+:)/i.exec(trimmed)?.[1]?.toLowerCase();
  const driver = scheme === undefined ? undefined : URL_DRIVERS[scheme];
  if (driver === undefined) {
    throw new StoreError(
      'INVALID_OPTIONS',
      `store URL: unknown scheme ${scheme ?? '(none)'}; use sqlite:, postgres://, mssql://, mysql:// or mariadb://`,
    );
  }
  if (driver === 'sqlite') {
    const file = decodeURIComponent(trimmed.slice(scheme!.length).replace(/^\/\//, ''));
    if (file === '') throw new StoreError('INVALID_OPTIONS', 'store URL: sqlite: needs a file path');
    return { driver, file };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new StoreError('INVALID_OPTIONS', `store URL: not a valid ${driver} URL`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '' || database === '' || url.username === '') {
    throw new StoreError('INVALID_OPTIONS', `store URL: a ${driver} URL needs a user, a host and a database`);
  }
  let port: number | undefined;
  if (url.port !== '') port = Number(url.port);
  const base = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    database,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  const query = url.searchParams;
  const schema = query.get('schema') ?? undefined;
  switch (driver) {
    case 'postgres':
      return { driver, ...base, schema, ssl: flag(query.get('ssl'), 'ssl') };
    case 'mssql':
      return {
        driver,
        ...base,
        schema,
        options: {
          encrypt: flag(query.get('encrypt'), 'encrypt'),
          trustServerCertificate: flag(query.get('trustServerCertificate'), 'trustServerCertificate'),
        },
      };
    case 'mysql':
      return { driver: scheme === 'mariadb:' ? 'mariadb' : 'mysql', ...base };
  }
}

function flag(value: string | null, name: string): boolean | undefined {
  if (value === null) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new StoreError('INVALID_OPTIONS', `store URL: ${name} must be true or false`);
}

/** Checks what TypeScript cannot (options built from untyped input); throws naming the field. */
export function validateStoreOptions(options: StoreOptions): void {
  const problems: string[] = [];
  const text = (value: unknown, field: string): void => {
    if (typeof value !== 'string' || value.trim() === '')
      problems.push(`${field} must be a non-empty string`);
  };
  switch (options.driver) {
    case 'sqlite':
      text(options.file, 'file');
      if (options.busyTimeoutMs !== undefined && !(options.busyTimeoutMs >= 0)) {
        problems.push('busyTimeoutMs must be zero or more');
      }
      break;
    case 'postgres':
    case 'mssql':
    case 'mysql':
    case 'mariadb':
      text(options.host, 'host');
      text(options.database, 'database');
      text(options.username, 'username');
      if (
        options.port !== undefined &&
        !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
      ) {
        problems.push('port must be an integer from 1 to 65535');
      }
      if (options.poolSize !== undefined && !(Number.isInteger(options.poolSize) && options.poolSize > 0)) {
        problems.push('poolSize must be a positive integer');
      }
      if ((options.driver === 'postgres' || options.driver === 'mssql') && options.schema !== undefined) {
        text(options.schema, 'schema');
      }
      break;
    default:
      problems.push(
        `driver must be one of sqlite, postgres, mssql, mysql, mariadb (got ${String((options as { driver: unknown }).driver)})`,
      );
  }
  if (problems.length > 0) {
    throw new StoreError(
      'INVALID_OPTIONS',
      `store options (${String(options.driver)}): ${problems.join('; ')}`,
    );
  }
}
