import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StoreOptions } from '../src';
import mysql from 'mysql2/promise';
import { Client } from 'pg';

/** A database a store suite runs against: options plus how to make it empty and clean up. */
export interface StoreHarness {
  label: string;
  options: StoreOptions;
  /** Makes the database (or schema) exist and be empty. */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

/** A fresh SQLite file in a temp folder. */
export function sqliteHarness(name: string): StoreHarness {
  const dir = mkdtempSync(join(tmpdir(), `clr-store-${name}-`));
  const file = join(dir, 'nested', 'store.db');
  return {
    label: 'sqlite',
    options: { driver: 'sqlite', file },
    reset: () => {
      rmSync(join(dir, 'nested'), { recursive: true, force: true });
      return Promise.resolve();
    },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

/** A schema of its own in the shared `test` database. */
export function postgresHarness(schema: string): StoreHarness {
  const run = async (sql: string): Promise<void> => {
    const client = new Client(PG);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    label: 'postgres',
    options: {
      driver: 'postgres',
      host: PG.host,
      port: PG.port,
      database: PG.database,
      username: PG.user,
      schema,
      poolSize: 12,
    },
    reset: () => run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`),
    dispose: () => run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };

/** A database of its own on the MariaDB server. */
export function mariadbHarness(database: string): StoreHarness {
  const run = async (sql: string): Promise<void> => {
    const connection = await mysql.createConnection({ ...MARIADB, multipleStatements: true });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  return {
    label: 'mariadb',
    options: {
      driver: 'mariadb',
      host: MARIADB.host,
      port: MARIADB.port,
      database,
      username: MARIADB.user,
      poolSize: 12,
    },
    reset: () =>
      run(
        `DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      ),
    dispose: () => run(`DROP DATABASE IF EXISTS \`${database}\``),
  };
}

/** A random 32-byte master key. */
export function masterKey(): Buffer {
  return randomBytes(32);
}

/** A fresh RSA key pair in PEM. */
export function rsaKeyPair(): { publicPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

let counter = 0;
/** A short unique suffix for names within one suite run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}
