import { type TableColumnOptions } from 'typeorm';
import { type StoreDriver, resolveColumnType } from '../database/portable-column';

/**
 * Column definitions for migrations, typed per database through the same resolver as the
 * entities (see resolveColumnType). A later change to the resolver would change what old
 * migrations create; the committed SQL Server DDL snapshot test catches that.
 */
export class SchemaColumns {
  constructor(private readonly driver: StoreDriver) {}

  string(name: string, length: number, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, ...this.resolved('string', length), isNullable: options.nullable ?? false };
  }

  text(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, ...this.resolved('text'), isNullable: options.nullable ?? false };
  }

  timestamp(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, ...this.resolved('timestamp'), isNullable: options.nullable ?? false };
  }

  boolean(name: string): TableColumnOptions {
    return { name, ...this.resolved('boolean'), isNullable: false };
  }

  double(name: string): TableColumnOptions {
    return { name, ...this.resolved('double'), isNullable: false };
  }

  int(name: string, options: { nullable?: boolean } = {}): TableColumnOptions {
    return { name, type: this.intType(), isNullable: options.nullable ?? false };
  }

  /** A string primary key (UUIDs we generate, URLs, key ids). */
  stringKey(name: string, length: number): TableColumnOptions {
    return { ...this.string(name, length), isPrimary: true };
  }

  /** An auto-incremented integer primary key. */
  serialKey(name: string): TableColumnOptions {
    return {
      name,
      type: this.intType(),
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
      isNullable: false,
    };
  }

  // SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
  private intType(): string {
    return this.driver === 'sqlite' ? 'integer' : 'int';
  }

  private resolved(
    kind: Parameters<typeof resolveColumnType>[1],
    length?: number,
  ): { type: string; length?: string; precision?: number } {
    const { type, length: resolvedLength, precision } = resolveColumnType(this.driver, kind, length);
    return {
      type,
      ...(resolvedLength !== undefined ? { length: resolvedLength } : {}),
      ...(precision !== undefined ? { precision } : {}),
    };
  }
}
