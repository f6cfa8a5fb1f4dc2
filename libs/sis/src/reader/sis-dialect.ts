import { type SisDriver } from '@app/config';

/**
 * What differs between SIS databases beyond what TypeORM already handles (quoting, placeholders,
 * LIMIT vs OFFSET/FETCH): how a timestamp is compared with a watermark.
 */
export interface SisDialect {
  readonly driver: SisDriver;
  /** The SQL that compares `updated_at` (already quoted) with a bound watermark. */
  timestampExpression(column: string): string;
  /** A watermark (ISO 8601 UTC) as the bound parameter the database compares correctly. */
  timestampParameter(iso: string): string;
}

/** Cut-off for IN lists: SQL Server takes at most 2,100 parameters per statement. */
export const MAX_IN_LIST = 500;

export function sisDialect(driver: SisDriver): SisDialect {
  switch (driver) {
    case 'mssql':
      // datetime2/datetime convert an ISO 8601 string without offset unambiguously (any
      // DATEFORMAT/language); datetimeoffset reads it as +00:00.
      return {
        driver,
        timestampExpression: (column) => column,
        timestampParameter: (iso) => iso.replace(/Z$/, ''),
      };
    case 'postgres':
      // `timestamp` ignores the Z (the column holds UTC); `timestamptz` honours it.
      return { driver, timestampExpression: (column) => column, timestampParameter: (iso) => iso };
    case 'mysql':
    case 'mariadb':
      // DATETIME literals take no offset: the contract's UTC, spelt the MySQL way.
      return {
        driver,
        timestampExpression: (column) => column,
        timestampParameter: (iso) => iso.replace('T', ' ').replace(/Z$/, ''),
      };
    case 'sqlite':
      // SQLite keeps timestamps as text in whatever spelling was stored ("2024-05-01 10:00:00",
      // "2024-05-01T10:00:00+02:00"...): compare canonical UTC text, which sorts correctly.
      return {
        driver,
        timestampExpression: (column) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column})`,
        timestampParameter: (iso) => iso,
      };
  }
}
