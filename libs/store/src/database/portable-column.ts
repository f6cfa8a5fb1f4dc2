import { Column, type ColumnOptions, type ColumnType, type EntityMetadata, PrimaryColumn } from 'typeorm';

/** The databases the publisher's store runs on. */
export const STORE_DRIVERS = ['sqlite', 'postgres', 'mssql', 'mysql'] as const;
export type StoreDriver = (typeof STORE_DRIVERS)[number];

/** Column kinds whose SQL type differs per database. */
export type PortableKind = 'string' | 'text' | 'timestamp' | 'boolean' | 'double';

/** A kind resolved for one database: what TypeORM needs to create and bind the column. */
export interface ResolvedColumnType {
  type: string;
  length?: string;
  precision?: number;
}

/**
 * The one place that maps a portable kind to a database type. Entities (through the decorators
 * below) and migrations both use it, so the migrated schema and the entity metadata agree by
 * construction; the schema-diff tests prove it per database.
 *
 * - strings are `nvarchar` on SQL Server: `varchar` there is not Unicode and tedious would bind
 *   parameters as non-Unicode text;
 * - large text is `text`, except `nvarchar(max)` on SQL Server (`text`/`ntext` are deprecated)
 *   and `longtext` on MySQL/MariaDB (`text` stops at 64 KiB);
 * - timestamps have no time zone (stored as UTC by the connection setup) and millisecond
 *   precision, which is what a JavaScript Date carries.
 */
export function resolveColumnType(
  driver: StoreDriver,
  kind: PortableKind,
  length?: number,
): ResolvedColumnType {
  switch (kind) {
    case 'string':
      return { type: driver === 'mssql' ? 'nvarchar' : 'varchar', length: String(requireLength(length)) };
    case 'text':
      if (driver === 'mssql') return { type: 'nvarchar', length: 'MAX' };
      return { type: driver === 'mysql' ? 'longtext' : 'text' };
    case 'timestamp':
      switch (driver) {
        case 'sqlite':
          return { type: 'datetime' };
        case 'postgres':
          return { type: 'timestamp', precision: 3 };
        case 'mssql':
          return { type: 'datetime2', precision: 3 };
        case 'mysql':
          return { type: 'datetime', precision: 3 };
      }
      break;
    case 'boolean':
      // What each TypeORM driver makes of `Boolean` (entities declare Boolean, see BooleanColumn).
      if (driver === 'mssql') return { type: 'bit' };
      return { type: driver === 'mysql' ? 'tinyint' : 'boolean' };
    case 'double':
      switch (driver) {
        case 'sqlite':
          return { type: 'real' };
        case 'postgres':
          return { type: 'double precision' };
        case 'mssql':
          return { type: 'float' };
        case 'mysql':
          return { type: 'double' };
      }
  }
}

function requireLength(length: number | undefined): number {
  if (length === undefined || !Number.isInteger(length) || length < 1) {
    throw new Error(`a portable string column needs a positive integer length, got ${String(length)}`);
  }
  return length;
}

interface PortableSpec {
  kind: PortableKind;
  length?: number;
}

// Entity class -> property -> kind. Decorators run once, at class definition, before any
// database is known; each StoreDataSource applies the kinds to its own metadata copy.
const portableColumns = new Map<object, Map<string, PortableSpec>>();

function remember(target: object, propertyName: string, spec: PortableSpec): void {
  const owner = target.constructor;
  let columns = portableColumns.get(owner);
  if (!columns) {
    columns = new Map();
    portableColumns.set(owner, columns);
  }
  columns.set(propertyName, spec);
}

// Placeholder types that every supported driver accepts when TypeORM validates the metadata;
// they are replaced by the resolved type right after (see applyPortableColumnTypes).
const PLACEHOLDERS: Record<Exclude<PortableKind, 'boolean'>, ColumnType> = {
  string: 'varchar',
  text: 'text',
  timestamp: Date,
  double: 'double precision',
};

type PortableOptions = Pick<ColumnOptions, 'nullable'>;

function portable(
  kind: Exclude<PortableKind, 'boolean'>,
  name: string,
  options: PortableOptions,
  length?: number,
): PropertyDecorator {
  const decorate = Column({
    name,
    type: PLACEHOLDERS[kind] as 'varchar',
    nullable: options.nullable ?? false,
    ...(length !== undefined ? { length } : {}),
  });
  return (target, propertyKey) => {
    remember(target, String(propertyKey), { kind, length });
    decorate(target, propertyKey);
  };
}

/** A bounded Unicode string column (`varchar(n)`, `nvarchar(n)` on SQL Server). */
export function StringColumn(name: string, length: number, options: PortableOptions = {}): PropertyDecorator {
  requireLength(length);
  return portable('string', name, options, length);
}

/** A primary key made of a bounded string (ids we generate, URLs, key ids). */
export function PrimaryStringColumn(name: string, length: number): PropertyDecorator {
  requireLength(length);
  const decorate = PrimaryColumn({ name, type: 'varchar', length });
  return (target, propertyKey) => {
    remember(target, String(propertyKey), { kind: 'string', length });
    decorate(target, propertyKey);
  };
}

/** Large text (JSON documents, compact JWS, provider responses). */
export function TextColumn(name: string, options: PortableOptions = {}): PropertyDecorator {
  return portable('text', name, options);
}

/** A point in time, stored as UTC without a zone, millisecond precision. */
export function TimestampColumn(name: string, options: PortableOptions = {}): PropertyDecorator {
  return portable('timestamp', name, options);
}

/**
 * A boolean. Declared with TypeORM's `Boolean`, which every driver already maps (and reads back
 * as true/false, where a bare `tinyint` or `bit` would come back as a number).
 */
export function BooleanColumn(name: string, options: PortableOptions = {}): PropertyDecorator {
  return Column({ name, type: Boolean, nullable: options.nullable ?? false });
}

export function DoubleColumn(name: string, options: PortableOptions = {}): PropertyDecorator {
  return portable('double', name, options);
}

/** A 32-bit integer (the same `int` on every supported database). */
export function IntColumn(name: string, options: PortableOptions = {}): PropertyDecorator {
  return Column({ name, type: 'int', nullable: options.nullable ?? false });
}

/** Replaces the placeholder types of one data source's metadata by the driver's real types. */
export function applyPortableColumnTypes(metadatas: readonly EntityMetadata[], driver: StoreDriver): void {
  for (const metadata of metadatas) {
    for (const column of metadata.columns) {
      const spec = portableColumns.get(column.target as object)?.get(column.propertyName);
      if (!spec) continue;
      const resolved = resolveColumnType(driver, spec.kind, spec.length);
      column.type = resolved.type as ColumnType;
      column.length = resolved.length ?? '';
      if (resolved.precision !== undefined) column.precision = resolved.precision;
    }
  }
}
