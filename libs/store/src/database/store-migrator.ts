import { type DataSource, MigrationExecutor } from 'typeorm';
import { StoreError } from '../store.errors';

/** Applies the pending migrations in one transaction; returns the names applied, oldest first. */
export async function applyStoreMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  return applied.map((migration) => migration.name);
}

/** Names of the migrations not yet applied to the database. */
export async function pendingStoreMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/** Throws `SCHEMA_OUTDATED` (naming the missing migrations) unless the schema is current. */
export async function assertStoreSchemaCurrent(dataSource: DataSource): Promise<void> {
  const pending = await pendingStoreMigrations(dataSource);
  if (pending.length > 0) {
    throw new StoreError(
      'SCHEMA_OUTDATED',
      `the store database lacks ${pending.length} migration(s) (${pending.join(', ')}): run \`clr-publisher migrate\``,
    );
  }
}

/** Reverts the most recent migration (operators only; tests). Returns false when none was applied. */
export async function revertLastStoreMigration(dataSource: DataSource): Promise<boolean> {
  const executor = new MigrationExecutor(dataSource);
  const before = (await executor.getExecutedMigrations()).length;
  if (before === 0) return false;
  await dataSource.undoLastMigration({ transaction: 'all' });
  return true;
}
