import { DataSource, type DataSourceOptions } from 'typeorm';
import { STORE_ENTITIES } from '../entities';
import { STORE_MIGRATIONS } from '../migrations';
import { type StoreOptions, validateStoreOptions } from '../store-options';
import { UTC_TIMESTAMP_TYPES, UtcTimestampPgClient } from './pg-utc-client';
import { type StoreDriver, applyPortableColumnTypes } from './portable-column';
import { storeDriverOf } from './store-driver';

/** WAL pages between the automatic checkpoints of the store's SQLite connection (see below). */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 16_384;

/** Name of the table where TypeORM records applied migrations. */
export const STORE_MIGRATIONS_TABLE = 'store_migrations';

/**
 * A DataSource whose entity metadata gets the database-specific column types (see
 * portable-column.ts) as soon as TypeORM has built it, before anything (schema diff, queries,
 * parameter binding) reads it.
 */
export class StoreDataSource extends DataSource {
  readonly storeDriver: StoreDriver;

  constructor(options: DataSourceOptions) {
    super(options);
    this.storeDriver = storeDriverOf(options.type);
  }

  protected override async buildMetadatas(): Promise<void> {
    await super.buildMetadatas();
    applyPortableColumnTypes(this.entityMetadatas, this.storeDriver);
  }

  /** Builds the entity metadata without connecting (for generating DDL offline). */
  async buildMetadataOffline(): Promise<void> {
    await this.buildMetadatas();
  }
}

const COMMON = {
  entities: [...STORE_ENTITIES],
  migrations: [...STORE_MIGRATIONS],
  migrationsTableName: STORE_MIGRATIONS_TABLE,
  migrationsTransactionMode: 'all' as const,
  synchronize: false,
  migrationsRun: false,
};

/** TypeORM options for the store (no connection is made). */
export function storeDataSourceOptions(options: StoreOptions): DataSourceOptions {
  validateStoreOptions(options);
  switch (options.driver) {
    case 'sqlite':
      return {
        ...COMMON,
        type: 'better-sqlite3',
        database: options.file,
        // WAL lets the api read while the worker writes; the timeout waits out the other
        // process's write lock instead of failing at once with SQLITE_BUSY.
        enableWAL: true,
        // In WAL mode NORMAL syncs at checkpoints, not on every commit: a crash of the process
        // loses nothing, a power cut at most the last commits (never consistency). Without it
        // every per-learner transaction of a build waits for an fsync.
        // A checkpoint (copy the WAL into the database, two fsyncs) runs on the connection that
        // commits, which in a build is the main thread everything else waits for. SQLite's
        // default, every 1000 pages (4 MB), meant one every 8 CLR versions of ~490 KB; every
        // 16384 pages (64 MB, the WAL's largest size) costs a third less waiting for the same
        // bytes. (A checkpoint on another connection cannot finish while a writer keeps
        // committing, so the WAL would only grow, unless it blocked the writer.)
        prepareDatabase: (db: { pragma(source: string): unknown }) => {
          db.pragma('synchronous = NORMAL');
          db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
        },
        timeout: options.busyTimeoutMs ?? 5000,
        logging: options.logging ?? false,
      };
    case 'postgres':
      return {
        ...COMMON,
        type: 'postgres',
        host: options.host,
        port: options.port ?? 5432,
        database: options.database,
        username: options.username,
        password: options.password ?? '',
        schema: options.schema,
        ssl: options.ssl,
        poolSize: options.poolSize ?? 10,
        logging: options.logging ?? false,
        // Timestamps are `timestamp without time zone` holding UTC: bind and read them as UTC
        // whatever the process's zone, and make the session zone UTC for SQL-side clocks.
        extra: { Client: UtcTimestampPgClient, types: UTC_TIMESTAMP_TYPES, options: '-c TimeZone=UTC' },
      };
    case 'mssql':
      return {
        ...COMMON,
        type: 'mssql',
        host: options.host,
        port: options.port ?? 1433,
        database: options.database,
        username: options.username,
        password: options.password ?? '',
        schema: options.schema,
        pool: { max: options.poolSize ?? 10 },
        logging: options.logging ?? false,
        options: {
          encrypt: options.options?.encrypt ?? true,
          trustServerCertificate: options.options?.trustServerCertificate ?? false,
          instanceName: options.options?.instanceName,
          // TypeORM turns tedious's UTC default off; datetime2 columns hold UTC here.
          useUTC: true,
        },
      };
    case 'mysql':
    case 'mariadb':
      return {
        ...COMMON,
        type: options.driver,
        host: options.host,
        port: options.port ?? 3306,
        database: options.database,
        username: options.username,
        password: options.password ?? '',
        poolSize: options.poolSize ?? 10,
        logging: options.logging ?? false,
        charset: 'utf8mb4',
        // DATETIME columns hold UTC: bind and read Dates as UTC.
        timezone: 'Z',
      };
  }
}

/** A store DataSource, not yet initialised. */
export function createStoreDataSource(options: StoreOptions): StoreDataSource {
  return new StoreDataSource(storeDataSourceOptions(options));
}
