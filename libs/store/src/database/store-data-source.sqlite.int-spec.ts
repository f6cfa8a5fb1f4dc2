import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PublisherStore } from '../publisher-store';
import { SQLITE_WAL_AUTOCHECKPOINT_PAGES } from './store-data-source';

describe('the SQLite store connection', () => {
  let dir: string;
  let store: PublisherStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clr-store-pragmas-'));
    store = await PublisherStore.open(
      { driver: 'sqlite', file: join(dir, 'store.sqlite') },
      { masterKey: randomBytes(32), migrations: 'apply' },
    );
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pragma = (db: Database.Database, name: string): unknown => db.pragma(name, { simple: true });

  it('writes ahead (WAL), syncs at checkpoints only, and checkpoints every 16384 pages', () => {
    const connection = (store.dataSource.driver as unknown as { databaseConnection: Database.Database })
      .databaseConnection;
    expect(pragma(connection, 'journal_mode')).toBe('wal');
    expect(pragma(connection, 'synchronous')).toBe(1); // NORMAL
    expect(pragma(connection, 'wal_autocheckpoint')).toBe(SQLITE_WAL_AUTOCHECKPOINT_PAGES);
    expect(SQLITE_WAL_AUTOCHECKPOINT_PAGES).toBe(16_384);
  });

  it('sets it on its own connection only: another one keeps SQLite’s default of 1000', () => {
    const other = new Database(join(dir, 'store.sqlite'));
    try {
      expect(pragma(other, 'journal_mode')).toBe('wal'); // persistent in the file
      expect(pragma(other, 'wal_autocheckpoint')).toBe(1000);
    } finally {
      other.close();
    }
  });
});
