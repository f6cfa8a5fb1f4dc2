export * from './crypto/key-cipher';
export { isTransientConflict, isUniqueViolation } from './database/driver-errors';
export {
  type PortableKind,
  type ResolvedColumnType,
  STORE_DRIVERS,
  type StoreDriver,
  resolveColumnType,
} from './database/portable-column';
export { parseUtcTimestamp, toUtcTimestampLiteral } from './database/pg-utc-client';
export { type StoreClock } from './database/store-context';
export {
  STORE_MIGRATIONS_TABLE,
  StoreDataSource,
  createStoreDataSource,
  storeDataSourceOptions,
} from './database/store-data-source';
export { storeDriverOf } from './database/store-driver';
export {
  applyStoreMigrations,
  assertStoreSchemaCurrent,
  pendingStoreMigrations,
  revertLastStoreMigration,
} from './database/store-migrator';
export * from './entities';
export { STORE_MIGRATIONS } from './migrations';
export * from './publisher-store';
export * from './repositories/assertion-ledger.repository';
export * from './repositories/audit-log.repository';
export * from './repositories/clr-version.repository';
export * from './repositories/delivery-target.repository';
export * from './repositories/delivery.repository';
export * from './repositories/revocation.repository';
export * from './repositories/run-plan.repository';
export * from './repositories/run-slot.repository';
export * from './repositories/signing-key-owner.repository';
export * from './repositories/signing-key.repository';
export * from './repositories/sync-run.repository';
export * from './repositories/wallet.repository';
export * from './repositories/watermark.repository';
export * from './store-options';
export * from './store.errors';
export * from './store.module';
export * from './store-options.from-config';
export { type MigrationSql, formatMigrationSql, renderMigrationSql } from './database/migration-sql';
