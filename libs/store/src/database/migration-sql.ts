import { type MigrationInterface } from 'typeorm';
import { STORE_MIGRATIONS } from '../migrations';
import { type StoreOptions } from '../store-options';
import { createStoreDataSource } from './store-data-source';

/** The DDL of one migration's `up`, as the driver would run it. */
export interface MigrationSql {
  name: string;
  statements: string[];
}

/**
 * The SQL the store's migrations (`up`) run on a driver, generated without connecting (TypeORM's
 * SQL memory mode), for a DBA to review or to run where the publisher may not create tables.
 * Works because the migrations only create tables, with their indexes and keys inline, which
 * needs no catalogue lookup.
 */
export async function renderMigrationSql(options: StoreOptions): Promise<MigrationSql[]> {
  const dataSource = createStoreDataSource(options);
  const out: MigrationSql[] = [];
  for (const Migration of STORE_MIGRATIONS) {
    const migration: MigrationInterface = new Migration();
    const runner = dataSource.createQueryRunner();
    try {
      runner.enableSqlMemory();
      await migration.up(runner);
      const statements = runner.getMemorySql().upQueries.map((query) => query.query.trim());
      out.push({ name: migration.name ?? Migration.name, statements });
    } finally {
      runner.disableSqlMemory();
    }
  }
  return out;
}

/** The rendered migrations as one script, `;`-terminated statements under a comment per migration. */
export function formatMigrationSql(migrations: readonly MigrationSql[]): string {
  return migrations
    .map((migration) => [`-- ${migration.name}`, ...migration.statements.map((sql) => `${sql};`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}
