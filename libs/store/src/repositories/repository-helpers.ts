import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/driver-errors';
import { StoreError } from '../store.errors';

/** Ids per `IN (...)` list: well under SQL Server's 2100 parameters and SQLite's 999. */
export const IN_CHUNK = 500;

export function newId(): string {
  return randomUUID();
}

export function chunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** Cuts free text to fit its column (error messages, reasons). */
export function clip(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function requireText(value: unknown, field: string, max: number): string {
  // /\S/ stops at the first non-blank character: no copy of a large document, unlike trim().
  if (typeof value !== 'string' || !/\S/.test(value)) {
    throw new StoreError('INVALID_ARGUMENT', `${field} must be a non-empty string`);
  }
  if (value.length > max) {
    throw new StoreError('INVALID_ARGUMENT', `${field} is ${value.length} characters; at most ${max} fit`);
  }
  return value;
}

export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  return requireText(value, field, max);
}

export function requireInt(value: unknown, field: string, min: number, max = 2_147_483_647): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      `${field} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreError('INVALID_ARGUMENT', `${field} must be a valid Date`);
  }
  return value;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new StoreError(
      'INVALID_ARGUMENT',
      `${field} must be one of ${allowed.join(', ')}, got ${String(value)}`,
    );
  }
  return value as T;
}

/** A filter given as one value or several, as a list; undefined stays undefined. */
export function oneOrMany<T extends string>(value: T | readonly T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? [value] : [...value];
}

export function limitOf(value: number | undefined, fallback: number, max = 1000): number {
  if (value === undefined) return fallback;
  return requireInt(value, 'limit', 1, max);
}

/** The database's quoting of a column name, for the few raw SQL expressions (`n = n + 1`). */
export function column(manager: EntityManager, name: string): string {
  return manager.connection.driver.escape(name);
}

/**
 * Inserts a row unless a concurrent writer inserted the same key first. The insert runs in a
 * savepoint, so the unique violation does not abort an enclosing PostgreSQL transaction.
 * Returns false when the key already existed.
 */
export async function insertUnlessExists(
  manager: EntityManager,
  insert: (manager: EntityManager) => Promise<unknown>,
): Promise<boolean> {
  try {
    await manager.transaction(insert);
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
