import { QueryFailedError } from 'typeorm';

interface DriverErrorShape {
  code?: unknown;
  errno?: unknown;
  number?: unknown;
  originalError?: { info?: { number?: unknown } };
}

/**
 * Whether a failed query broke a unique or primary-key constraint, on any supported driver:
 * SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL 23505, SQL Server 2627/2601,
 * MySQL/MariaDB 1062.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error.driverError ?? {}) as DriverErrorShape;
  const { code, errno } = driverError;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  if (code === '23505') return true;
  if (code === 'ER_DUP_ENTRY' || errno === 1062) return true;
  const mssqlNumber = driverError.number ?? driverError.originalError?.info?.number;
  return mssqlNumber === 2627 || mssqlNumber === 2601;
}

/**
 * Whether a transaction failed only because it lost a race the database resolves by aborting
 * one side, so running it again is the fix: deadlock victims (MySQL/MariaDB 1213, PostgreSQL
 * 40P01, SQL Server 1205), PostgreSQL serialization failures (40001) and SQLite's busy
 * snapshot/lock errors.
 */
export function isTransientConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error.driverError ?? {}) as DriverErrorShape;
  const { code, errno } = driverError;
  if (code === 'ER_LOCK_DEADLOCK' || errno === 1213) return true;
  if (code === '40P01' || code === '40001') return true;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT') return true;
  const mssqlNumber = driverError.number ?? driverError.originalError?.info?.number;
  return mssqlNumber === 1205;
}
