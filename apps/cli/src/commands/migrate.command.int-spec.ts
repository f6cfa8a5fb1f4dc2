import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PublisherStore, STORE_MIGRATIONS } from '@app/store';
import { MigrationFailedError, migrateFailureCode, runMigrate } from './migrate.command';

/** Every migration the store ships, oldest first, as the command lists them. */
const MIGRATION_NAMES = STORE_MIGRATIONS.map((Migration) => new Migration().name).join(', ');

describe('clr-publisher migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-migrate-'));
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line) };

  beforeEach(() => {
    lines.length = 0;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports pending migrations, applies them once, then reports the schema current', async () => {
    const file = join(dir, 'a', 'store.db');
    expect(await runMigrate({ sqlite: file, status: true }, io)).toBe(1);
    expect(lines).toEqual([
      `store: sqlite ${file} (the file does not exist yet)`,
      `pending: ${MIGRATION_NAMES}`,
    ]);
    expect(existsSync(file)).toBe(false); // --status changes nothing
    lines.length = 0;
    expect(await runMigrate({ sqlite: file }, io)).toBe(0);
    expect(lines).toEqual([`store: sqlite ${file}`, `applied: ${MIGRATION_NAMES}`]);
    lines.length = 0;
    expect(await runMigrate({ storeUrl: `sqlite:${file}` }, io)).toBe(0);
    expect(lines[1]).toBe('schema is up to date; nothing applied');
    expect(await runMigrate({ sqlite: file, status: true }, io)).toBe(0);
    // The default `verify` policy of the apps now accepts the database.
    const store = await PublisherStore.open({ driver: 'sqlite', file }, { masterKey: randomBytes(32) });
    expect(await store.pendingMigrations()).toEqual([]);
    await store.close();
  });

  it('prints the DDL for the store driver without connecting', async () => {
    expect(
      await runMigrate(
        { storeUrl: 'mssql://clr:pw-Zq9x@sqlserver.invalid/clr?schema=pub', printSql: true },
        io,
      ),
    ).toBe(0);
    const ddl = lines.join('\n');
    expect(ddl).toMatch(/^-- InitialSchema1764300000000/);
    expect(ddl).toContain('CREATE TABLE "pub"."deliveries"');
    expect(ddl).not.toContain('pw-Zq9x');
  });

  it('uses the configuration file when no store is given', async () => {
    const root = join(dir, 'project');
    mkdirSync(join(root, 'config'), { recursive: true });
    copyFileSync(resolve(__dirname, '../../../../config/default.yaml'), join(root, 'config', 'default.yaml'));
    const code = await runMigrate({}, { ...io, configLoad: { root, env: {} } });
    expect(code).toBe(0);
    expect(lines).toEqual([
      `store: sqlite ${join(root, '.data', 'publisher.sqlite')}`,
      `applied: ${MIGRATION_NAMES}`,
    ]);
  });

  it('refuses contradictory or malformed store options with a clear message', async () => {
    await expect(runMigrate({ sqlite: 'a.db', storeUrl: 'sqlite:b.db' }, io)).rejects.toThrow(
      'give either --store-url or --sqlite, not both',
    );
    await expect(runMigrate({ storeUrl: 'oracle://u:pw@h/d' }, io)).rejects.toThrow(/unknown scheme oracle:/);
    await expect(
      runMigrate({ config: 'missing.yaml' }, { ...io, configLoad: { root: dir, env: {} } }),
    ).rejects.toThrow(/file not found/);
    // Such refusals exit 2 (could not start); a migration that failed exits 1.
    const refused = await runMigrate({ sqlite: 'a.db', storeUrl: 'sqlite:b.db' }, io).catch(
      (error: unknown) => error,
    );
    expect(migrateFailureCode(refused)).toBe(2);
    expect(migrateFailureCode(new MigrationFailedError('duplicate column'))).toBe(1);
  });
});
