import { existsSync } from 'node:fs';
import { type LoadConfigOptions, loadConfig } from '@app/config';
import {
  type StoreOptions,
  createStoreDataSource,
  describeStore,
  formatMigrationSql,
  parseStoreUrl,
  pendingStoreMigrations,
  applyStoreMigrations,
  renderMigrationSql,
  STORE_MIGRATIONS,
  storeOptionsFromConfig,
} from '@app/store';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../cli.errors';

export interface MigrateOptions {
  /** Configuration file (default `CLR_CONFIG`, else config/default.yaml). */
  config?: string;
  /** A store URL instead of the configuration's `store` section. */
  storeUrl?: string;
  /** A SQLite file instead of the configuration's `store` section. */
  sqlite?: string;
  /** List applied and pending migrations; change nothing. */
  status?: boolean;
  /** Print the DDL the migrations run on the store's driver, without connecting. */
  printSql?: boolean;
}

export interface MigrateIo {
  out(line: string): void;
  /** Where the configuration is read from (tests point it at a temp folder). */
  configLoad?: LoadConfigOptions;
}

/** Picks the store: `--store-url`, `--sqlite`, else the configuration. */
export function migrateTarget(options: MigrateOptions, io: Pick<MigrateIo, 'configLoad'> = {}): StoreOptions {
  if (options.storeUrl !== undefined && options.sqlite !== undefined) {
    throw new Error('give either --store-url or --sqlite, not both');
  }
  if (options.storeUrl !== undefined) return parseStoreUrl(options.storeUrl);
  if (options.sqlite !== undefined) return { driver: 'sqlite', file: options.sqlite };
  const config = loadConfig({
    ...io.configLoad,
    ...(options.config !== undefined ? { path: options.config } : {}),
  });
  return storeOptionsFromConfig(config.store);
}

/** Applying a migration failed (exit 1); every other failure is usage, configuration or connection (exit 2). */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
}

/** The exit code of a `migrate` that threw: 1 when a migration failed, 2 when it could not start. */
export function migrateFailureCode(error: unknown): number {
  return error instanceof MigrationFailedError ? EXIT_INVALID : EXIT_USAGE;
}

/** What `clr-publisher migrate` does; returns the process exit code. */
export async function runMigrate(options: MigrateOptions, io: MigrateIo): Promise<number> {
  const store = migrateTarget(options, io);
  if (options.printSql) {
    io.out(formatMigrationSql(await renderMigrationSql(store)).trimEnd());
    return EXIT_OK;
  }
  if (options.status && store.driver === 'sqlite' && !existsSync(store.file)) {
    // --status changes nothing: opening the file would create it.
    io.out(`store: ${describeStore(store)} (the file does not exist yet)`);
    io.out(`pending: ${STORE_MIGRATIONS.map((migration) => migration.name).join(', ')}`);
    return EXIT_INVALID;
  }
  const dataSource = createStoreDataSource(store);
  await dataSource.initialize();
  try {
    if (options.status) {
      const pending = await pendingStoreMigrations(dataSource);
      io.out(`store: ${describeStore(store)}`);
      io.out(pending.length === 0 ? 'schema is up to date' : `pending: ${pending.join(', ')}`);
      return pending.length === 0 ? EXIT_OK : EXIT_INVALID;
    }
    let applied: string[];
    try {
      applied = await applyStoreMigrations(dataSource);
    } catch (error) {
      throw new MigrationFailedError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    io.out(`store: ${describeStore(store)}`);
    io.out(applied.length === 0 ? 'schema is up to date; nothing applied' : `applied: ${applied.join(', ')}`);
    return EXIT_OK;
  } finally {
    await dataSource.destroy();
  }
}

/** `clr-publisher migrate`: applies the store's pending migrations (the only way the schema changes). */
@Command({
  name: 'migrate',
  description:
    "apply the publisher database's pending migrations (--status: only report; --print-sql: show the DDL)",
})
export class MigrateCommand extends CommandRunner {
  async run(_params: string[], options: MigrateOptions = {}): Promise<void> {
    try {
      process.exitCode = await runMigrate(options, { out: (line) => process.stdout.write(`${line}\n`) });
    } catch (error) {
      process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = migrateFailureCode(error);
    }
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }

  @Option({
    flags: '--store-url <url>',
    description:
      'store URL (sqlite:FILE, postgres://, mssql://, mysql://, mariadb://) instead of the configuration',
  })
  parseStoreUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--sqlite <file>', description: 'SQLite store file instead of the configuration' })
  parseSqlite(value: string): string {
    return value;
  }

  @Option({ flags: '--status', description: 'list pending migrations and exit 1 if any; change nothing' })
  parseStatus(): boolean {
    return true;
  }

  @Option({
    flags: '--print-sql',
    description: "print the migrations' DDL for the store's driver without connecting",
  })
  parsePrintSql(): boolean {
    return true;
  }
}
