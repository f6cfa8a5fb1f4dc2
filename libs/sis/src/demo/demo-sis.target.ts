import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Refuses to write a demo SIS over a file that is not one: a publisher's store (its keys, ledger
 * and revocations would be gone), or any other file. An absent file, or a demo SIS (its tables,
 * no store), may be replaced.
 */
export function requireReplaceableDemoSis(file: string): void {
  if (!existsSync(file)) return;
  let tables: Set<string>;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as {
        name: string;
      }[];
      tables = new Set(rows.map((row) => row.name));
    } finally {
      db.close();
    }
  } catch {
    throw new Error(`${file} exists and is not a SQLite database: a demo SIS is not written over it`);
  }
  if (tables.has('store_migrations')) {
    throw new Error(`${file} is a publisher store, not a demo SIS: it is left as it is`);
  }
  if (!tables.has('clr_learners')) {
    throw new Error(`${file} exists and is not a demo SIS: a demo SIS is not written over it`);
  }
}
