import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sisSourceSchema } from '@app/config';
import { SisError } from './sis.error';
import { SisReader } from './sis.reader';

describe('SisReader.ping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-sis-ping-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function reader(file: string): SisReader {
    return new SisReader(sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file } }));
  }

  it('answers for a reachable source without checking its views', async () => {
    const file = join(dir, 'empty.sqlite');
    new Database(file).close();
    const sis = reader(file);
    try {
      await Promise.all([sis.ping(), sis.ping()]);
      await expect(sis.ready()).rejects.toMatchObject({ code: 'SIS_SCHEMA' });
    } finally {
      await sis.close();
    }
  });

  it('fails with SIS_UNAVAILABLE, naming the source, when it cannot connect', async () => {
    const sis = reader(join(dir, 'missing.sqlite'));
    const error = await sis.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SisError);
    expect((error as SisError).code).toBe('SIS_UNAVAILABLE');
    expect((error as SisError).message).toMatch(/^SIS source "demo": SQLite file not found/);
  });
});
