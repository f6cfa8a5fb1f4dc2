import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runDemoSis } from './demo-sis.command';

describe('demo-sis command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clr-demo-cmd-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the demo SIS and says what it wrote, with no personal data', () => {
    const lines: string[] = [];
    const out = join(dir, 'sis.sqlite');
    expect(runDemoSis({ learners: '30', out, seed: '4' }, (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toMatch(
      new RegExp(`^demo SIS written: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(seed 4, \\d+ ms\\)$`),
    );
    expect(lines[1]).toMatch(/^rows: learners 30, organizations 10, courses 32, course_grades \d+/);
    const db = new Database(out, { readonly: true });
    const names = db.prepare('SELECT given_name, family_name, email FROM clr_learners').all() as Record<
      string,
      string
    >[];
    db.close();
    const text = lines.join('\n');
    for (const row of names) {
      expect(text).not.toContain(row.family_name.trim());
    }
  });

  it('writes the same bytes again for the same seed', () => {
    runDemoSis({ learners: '25', out: join(dir, 'a.sqlite'), seed: '11' }, () => undefined);
    runDemoSis({ learners: '25', out: join(dir, 'b.sqlite'), seed: '11' }, () => undefined);
    expect(readFileSync(join(dir, 'a.sqlite')).equals(readFileSync(join(dir, 'b.sqlite')))).toBe(true);
  });

  it('changes a share of an existing demo SIS with --mutate', () => {
    const out = join(dir, 'm.sqlite');
    runDemoSis({ learners: '100', out }, () => undefined);
    const lines: string[] = [];
    expect(runDemoSis({ out, mutate: '0.1' }, (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(
        /^demo SIS changed: .*m\.sqlite: 10 learners \(\d+ grades changed, \d+ learner rows touched\)$/,
      ),
    ]);
  });

  it('refuses a missing learner count and malformed numbers with the flag named', () => {
    expect(() => runDemoSis({ out: join(dir, 'x.sqlite') }, () => undefined)).toThrow(
      '--learners <n> is required',
    );
    const run = (options: Record<string, string>) => () =>
      runDemoSis({ out: join(dir, 'm.sqlite'), ...options }, () => undefined);
    expect(run({ learners: '20k' })).toThrow('--learners must be a whole number, not "20k"');
    expect(run({ learners: '5', seed: '-3' })).toThrow('--seed must be a whole number');
    expect(run({ mutate: 'a lot' })).toThrow('--mutate must be a number in (0, 1], not "a lot"');
    expect(run({ mutate: '2' })).toThrow('fraction must be in (0, 1]');
  });
});
