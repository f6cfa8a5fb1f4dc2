/**
 * `clr-publisher demo` in-process (runDemo, the command's whole work) on a temp data folder: the
 * summary, the exit status, and no personal data in anything it prints.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CONFIG_PATH, loadConfig } from '@app/config';
import { PublisherStore } from '@app/store';
import { describeWithService } from '@app/testing';
import { DEMO_CANNOT_RUN, DEMO_OK, runDemo } from '../../apps/cli/src/demo/demo-runner';
import { freePort } from '../../apps/cli/src/demo/free-port';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) },
  };
}

describe('the demo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clr-demo-e2e-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 saying what is missing when no Redis answers and none can be started, having started nothing', async () => {
    const port = await freePort('127.0.0.1');
    const { out, err, output } = capture();
    const code = await runDemo(
      {
        learners: 5,
        sample: 1,
        keep: false,
        dataDir: dir,
        redisServer: 'no-such-redis-server-e2e',
        baseConfig: loadConfig({
          path: DEFAULT_CONFIG_PATH,
          env: { REDIS_URL: `redis://127.0.0.1:${port}` },
        }),
      },
      output,
    );
    expect(code).toBe(DEMO_CANNOT_RUN);
    expect(out).toEqual([]);
    expect(err).toEqual([
      expect.stringMatching(
        /^demo cannot run: the demo needs Redis: nothing answers at 127\.0\.0\.1:\d+ \(connect ECONNREFUSED [^)]+\) and no redis-server is on the PATH; install Redis/,
      ),
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  describeWithService('redis', 'with Redis', () => {
    it('exits 2 and leaves alone a store it did not make, and a SIS file that is not a demo SIS', async () => {
      const store = join(dir, 'publisher.sqlite');
      writeFileSync(store, 'an installation’s store');
      const { out, err, output } = capture();
      const options = {
        learners: 3,
        sample: 1,
        keep: false,
        dataDir: dir,
        baseConfig: loadConfig({ path: DEFAULT_CONFIG_PATH, env: {} }),
      };
      expect(await runDemo(options, output)).toBe(DEMO_CANNOT_RUN);
      expect(err).toEqual([expect.stringMatching(/publisher\.sqlite exists and is not a demo's store/)]);
      expect(readFileSync(store, 'utf8')).toBe('an installation’s store');
      expect(existsSync(join(dir, 'demo-sis.sqlite'))).toBe(false);

      // A real store: its key sealed with another master key than the demo's.
      rmSync(store);
      const real = await PublisherStore.open(
        { driver: 'sqlite', file: store },
        { masterKey: randomBytes(32), migrations: 'apply' },
      );
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      await real.keys.createFirstKey({
        kid: 'installation-key',
        publicPem: publicKey,
        privateKeyPem: privateKey,
      });
      await real.close();
      const third = capture();
      expect(await runDemo(options, third.output)).toBe(DEMO_CANNOT_RUN);
      expect(third.err).toEqual([expect.stringMatching(/is not a demo's store/)]);
      const reopened = await PublisherStore.open(
        { driver: 'sqlite', file: store },
        { masterKey: randomBytes(32), migrations: 'verify' },
      );
      expect((await reopened.keys.listKeys()).map((key) => key.kid)).toEqual(['installation-key']);
      await reopened.close();

      // A demo SIS path holding something else: refused the same way.
      rmSync(store);
      for (const suffix of ['-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
      writeFileSync(join(dir, 'demo-sis.sqlite'), 'not a database');
      const second = capture();
      expect(await runDemo(options, second.output)).toBe(DEMO_CANNOT_RUN);
      expect(second.err).toEqual([
        expect.stringMatching(/demo-sis\.sqlite exists and is not a SQLite database/),
      ]);
      expect(readFileSync(join(dir, 'demo-sis.sqlite'), 'utf8')).toBe('not a database');
      expect(out.filter((line) => /store|SIS /.test(line))).toEqual([]);
    }, 60_000);

    it('syncs, delivers and verifies a sample, printing counts and verdicts only, exit 0', async () => {
      const { out, err, output } = capture();
      let stopped = false;
      const code = await runDemo(
        {
          learners: 12,
          sample: 3,
          keep: true,
          dataDir: dir,
          baseConfig: loadConfig({ path: DEFAULT_CONFIG_PATH, env: {} }),
          untilStopped: () => {
            stopped = true;
            return Promise.resolve();
          },
        },
        output,
      );
      expect({ code, err }).toEqual({ code: DEMO_OK, err: [] });
      const text = out.join('\n');
      expect(text).toMatch(
        /^clr-publisher demo: 12 learners; Redis 127\.0\.0\.1:6379, queue prefix demo-[0-9a-f]{8}$/m,
      );
      expect(text).toMatch(/^ {2}learners {4}12 seen: 12 built, 0 unchanged, 0 failed$/m);
      expect(text).toMatch(/^ {2}delivered {3}12 of 12; failed 0 \(0 rejected, 0 dead\)$/m);
      expect(text).toMatch(/^ {2}provider {4}holds 12 CLRs \(read back with getClrs\)$/m);
      expect(out.filter((line) => /^ {2}valid {4}[0-9a-f]{32} {2}\d+ signatures$/.test(line))).toHaveLength(
        3,
      );
      expect(text).toMatch(
        /^OK: 12 learners, [\d,]+ assertions and 12 CLRs signed, 12 delivered, 3\/3 verified, [\d.]+ s in all$/m,
      );
      expect(text).toContain('Still running (Ctrl-C to stop):');
      expect(stopped).toBe(true);

      // Nothing from the SIS that names a learner.
      const db = new Database(join(dir, 'demo-sis.sqlite'), { readonly: true });
      const people = db
        .prepare('SELECT learner_id, given_name, family_name, email FROM clr_learners')
        .all() as Record<string, string>[];
      db.close();
      for (const person of people) {
        for (const value of [person.learner_id, person.family_name, person.email]) {
          expect(text).not.toContain(String(value).trim());
        }
      }
    }, 120_000);
  });
});
