/**
 * The worker's own logging and metrics wiring, alone in its process (as `main.ts` runs it): Nest's
 * logs as JSON lines with `service: worker`, and its work metrics published to Redis for the api.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { type AppConfig, parseConfig } from '@app/config';
import {
  ClrMetrics,
  METRIC_NAMES,
  type MetricsJson,
  MetricsSnapshotReader,
  snapshotKey,
} from '@app/observability';
import { describeWithService } from '@app/testing';
import { Redis } from 'ioredis';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { consoleLogging, startWorker } from './start-worker';

class LogLines extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    done();
  }
}

describeWithService('redis', 'WorkerModule logging and metrics (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clr-worker-module-'));
  const prefix = `t-worker-module-${randomBytes(4).toString('hex')}`;
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  let config: AppConfig;

  beforeAll(() => {
    const sisFile = join(dir, 'sis.sqlite');
    new Database(sisFile).close();
    config = parseConfig(
      `
institution: { id: test-u, name: Test U, url: http://127.0.0.1:3000, email: r@test-u.example, idSecret: ${'i'.repeat(40)} }
publicBaseUrl: http://127.0.0.1:3000
keys: { masterKey: ${randomBytes(32).toString('base64')} }
sis: { sources: [{ name: demo, driver: sqlite, connection: { file: ${sisFile} } }] }
store: { driver: sqlite, file: ${join(dir, 'publisher.sqlite')} }
redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }
logging: { level: info }
`,
      { env: {}, source: '(spec)', root: dir },
    );
  });

  afterAll(async () => {
    await redis.del(snapshotKey(prefix));
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes Nest's logs as JSON lines of service worker at the configured level, and publishes its metrics for the api", async () => {
    const logs = new LogLines();
    const worker = await startWorker({
      config,
      migrations: 'apply',
      queues: [],
      logging: { destination: logs },
      metricsIntervalMs: 100,
    });
    try {
      worker.app.get(ClrMetrics).recordRun('succeeded');
      let snapshots: MetricsJson[] = [];
      const reader = new MetricsSnapshotReader({ redis, prefix });
      for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
        snapshots = await reader.read();
        const runs = snapshots[0]?.find((metric) => metric.name === METRIC_NAMES.runs);
        if (runs?.values.some((value) => value.labels.status === 'succeeded' && value.value === 1)) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(snapshots).toHaveLength(1);
      expect(snapshots[0].find((metric) => metric.name === METRIC_NAMES.runs)?.values).toEqual([
        { labels: { status: 'succeeded' }, value: 1 },
      ]);
    } finally {
      await worker.close();
    }
    expect(logs.lines.length).toBeGreaterThan(0);
    const records = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(record).toMatchObject({
        service: 'worker',
        level: expect.stringMatching(/^(info|warn|error)$/),
      });
      expect(record.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    }
    // Nest's own start-up lines came through the JSON logger.
    expect(records.some((record) => record.context === 'InstanceLoader')).toBe(true);
    // The first snapshot waited for the connection: no "not published" warning with Redis up.
    expect(records.filter((record) => record.level !== 'info')).toEqual([]);
  });

  it("maps Nest's console-style levels (commands, tests): false or none is silent, else the most verbose given", async () => {
    expect(consoleLogging(false)).toEqual({ level: 'silent' });
    expect(consoleLogging(['error'])).toMatchObject({ level: 'error' });
    expect(consoleLogging(['warn', 'error', 'log'])).toMatchObject({ level: 'info' });
    expect(consoleLogging(['verbose'])).toMatchObject({ level: 'trace' });
    expect(consoleLogging([])).toEqual({ level: 'silent' });

    // Silent: no JSON logger is installed at all (an api in the same process keeps its own).
    const worker = await startWorker({ config, migrations: 'apply', queues: [], logger: false });
    try {
      expect(() => worker.app.get(PinoNestLogger)).toThrow();
    } finally {
      await worker.close();
    }
  });
});
