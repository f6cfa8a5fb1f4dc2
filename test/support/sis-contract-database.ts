import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SisSourceConfig, sisSourceSchema } from '@app/config';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { RECORD_SET_CONTRACTS, RECORD_SETS, type ColumnKind, type RecordSetName } from '@app/sis';

/*
 * A SIS database for the reader's integration suites: the contract's views over base tables
 * (`sis_<set>`, no keys, so duplicates can be seeded), filled with the demo SIS plus edge rows.
 * Created in a suite-specific schema (PostgreSQL), database (MariaDB) or file (SQLite) and
 * dropped afterwards.
 */

export type TestDriver = 'sqlite' | 'postgres' | 'mariadb';
export type SeedRow = Record<string, string | number | null>;
export type SeedRows = Record<RecordSetName, SeedRow[]>;

/** Columns stored as text in every test database (a legacy SIS keeping dates as varchar). */
const TEXT_OVERRIDES = new Set(['clr_degrees.conferred_on']);

function columnType(driver: TestDriver, set: RecordSetName, column: string, kind: ColumnKind): string {
  if (driver === 'sqlite') return kind === 'decimal' ? 'REAL' : kind === 'boolean' ? 'INTEGER' : 'TEXT';
  if (TEXT_OVERRIDES.has(`${set}.${column}`)) return 'varchar(40)';
  const postgres = driver === 'postgres';
  switch (kind) {
    case 'id':
      return 'varchar(300)';
    case 'text':
      return 'text';
    case 'decimal':
      return postgres ? 'numeric(10,2)' : 'decimal(10,2)';
    case 'date':
      return 'date';
    case 'timestamp':
      // One zone-aware column in PostgreSQL, to read offsets too.
      if (postgres) return set === 'clr_organizations' ? 'timestamptz(3)' : 'timestamp(3)';
      return 'datetime(3)';
    case 'boolean':
      return postgres ? 'boolean' : 'bit(1)';
  }
}

/** Reads every record set of a demo SIS file, in key order. */
export function readSeed(file: string): SeedRows {
  const db = new Database(file, { readonly: true });
  try {
    const out = {} as SeedRows;
    for (const set of RECORD_SETS) {
      const order = RECORD_SET_CONTRACTS[set].key.join(', ');
      out[set] = db.prepare(`SELECT * FROM ${set} ORDER BY ${order}`).all() as SeedRow[];
    }
    return out;
  } finally {
    db.close();
  }
}

/** A writable connection to the test database, for seeding and mutating. */
export interface ContractDatabase {
  driver: TestDriver;
  /** The reader's configuration for this database (views in its schema or database). */
  source(overrides?: Record<string, unknown>): SisSourceConfig;
  /** Runs a statement with `?` placeholders. */
  run(sql: string, parameters?: readonly unknown[]): Promise<void>;
  /** A timestamp literal (ISO 8601 UTC in) as the base table of `set` stores it. */
  timestamp(set: RecordSetName, iso: string): string;
  drop(): Promise<void>;
}

const suffix = `${process.pid}_${Date.now().toString(36)}`;

export async function createContractDatabase(
  driver: TestDriver,
  seed: SeedRows,
  label: string,
): Promise<ContractDatabase> {
  const name = `clr_sis_${label}_${suffix}`;
  let run: (sql: string, parameters?: readonly unknown[]) => Promise<void>;
  let drop: () => Promise<void>;
  let sourceBase: Record<string, unknown>;
  if (driver === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    const file = join(dir, 'sis.sqlite');
    const db = new Database(file);
    run = (sql, parameters = []) => {
      db.prepare(sql).run(...parameters);
      return Promise.resolve();
    };
    drop = () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    };
    sourceBase = { driver: 'sqlite', connection: { file } };
  } else if (driver === 'postgres') {
    // One connection, so SET search_path holds for every statement.
    const admin = new DataSource({
      type: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      username: 'postgres',
      database: 'test',
      poolSize: 1,
    });
    await admin.initialize();
    await admin.query(`CREATE SCHEMA "${name}"`);
    await admin.query(`SET search_path TO "${name}"`);
    run = async (sql, parameters = []) => {
      let index = 0;
      await admin.query(
        sql.replace(/\?/g, () => `$${(index += 1)}`),
        [...parameters],
      );
    };
    drop = async () => {
      await admin.query(`DROP SCHEMA "${name}" CASCADE`);
      await admin.destroy();
    };
    sourceBase = {
      driver: 'postgres',
      schema: name,
      connection: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' },
    };
  } else {
    const root = new DataSource({
      type: 'mariadb',
      host: '127.0.0.1',
      port: 3306,
      username: 'root',
      database: 'test',
    });
    await root.initialize();
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await root.destroy();
    const admin = new DataSource({
      type: 'mariadb',
      host: '127.0.0.1',
      port: 3306,
      username: 'root',
      database: name,
      charset: 'utf8mb4',
      timezone: 'Z',
    });
    await admin.initialize();
    run = async (sql, parameters = []) => {
      await admin.query(sql, [...parameters]);
    };
    drop = async () => {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.destroy();
    };
    sourceBase = {
      driver: 'mariadb',
      connection: { host: '127.0.0.1', port: 3306, database: name, user: 'root' },
    };
  }

  const timestamp = (set: RecordSetName, iso: string): string => {
    const text = iso.replace('T', ' ').replace(/Z$/, '');
    return driver === 'postgres' && set === 'clr_organizations' ? `${text}+00` : text;
  };

  for (const set of RECORD_SETS) {
    const contract = RECORD_SET_CONTRACTS[set];
    const columns = contract.columns.map(
      (column) => `${column.column} ${columnType(driver, set, column.column, column.kind)}`,
    );
    await run(`CREATE TABLE sis_${set} (${columns.join(', ')})`);
    if (contract.learnerColumn !== undefined)
      await run(`CREATE INDEX ix_${set}_learner ON sis_${set} (learner_id)`);
    await run(`CREATE VIEW ${set} AS SELECT * FROM sis_${set}`);
    const names = contract.columns.map((column) => column.column);
    const kinds = contract.columns.map((column) => column.kind);
    const rows = seed[set];
    for (let start = 0; start < rows.length; start += 200) {
      const batch = rows.slice(start, start + 200);
      const values: unknown[] = [];
      for (const row of batch) {
        names.forEach((column, index) => {
          const value = row[column] ?? null;
          if (kinds[index] === 'boolean' && value !== null)
            values.push(driver === 'postgres' ? value === 1 : Number(value));
          else if (kinds[index] === 'timestamp' && typeof value === 'string')
            values.push(timestamp(set, value));
          else values.push(value);
        });
      }
      const tuple = `(${names.map(() => '?').join(', ')})`;
      await run(
        `INSERT INTO sis_${set} (${names.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
        values,
      );
    }
  }

  return {
    driver,
    source: (overrides = {}) =>
      sisSourceSchema.parse({
        name: `it-${label}`,
        pageSize: 10,
        watermarkOverlapSeconds: 0,
        ...sourceBase,
        ...overrides,
      }),
    run,
    timestamp,
    drop,
  };
}
