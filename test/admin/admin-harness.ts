/**
 * Test-only: the api as `createApiApp` makes it (admin routes, public CLR endpoints) and a worker
 * consuming the extract and build queues, on a generated demo SIS, a temporary SQLite store and
 * Redis under a prefix of their own. Two static tokens: a viewer and an operator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { type AppConfig, adminSchema, loadConfig, sisSourceSchema, storeSchema } from '@app/config';
import { JobProducer, QueueName, redisConnectionOptions } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { type RunSummary, SyncRunService } from '@app/publishing';
import { type DemoSisSummary, generateDemoSis } from '@app/sis';
import { PublisherStore } from '@app/store';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import request from 'supertest';
import { type App } from 'supertest/types';
import { createApiApp } from '../../apps/api/src';
import { type RunningWorker, startWorker } from '../../apps/worker/src';

export const VIEWER_TOKEN = `viewer-${randomBytes(12).toString('hex')}`;
export const OPERATOR_TOKEN = `operator-${randomBytes(12).toString('hex')}`;
export const AS_VIEWER = { Authorization: `Bearer ${VIEWER_TOKEN}` };
export const AS_OPERATOR = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every log line the api wrote. */
export class LogLines extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface AdminHarness {
  api: NestExpressApplication;
  server: App;
  worker: RunningWorker;
  config: AppConfig;
  store: PublisherStore;
  runs: SyncRunService;
  producer: JobProducer;
  ids: ClrIdFactory;
  demo: DemoSisSummary;
  sisFile: string;
  /** The demo SIS's learner ids (personal data in a real SIS: tests check they never leak). */
  learnerIds: string[];
  logs: LogLines;
  /** Waits for a run to finish (the worker builds it). */
  waitForRun(runId: string): Promise<RunSummary>;
  /** A full run through the API as the operator, waited for. */
  fullRun(): Promise<RunSummary>;
  close(): Promise<void>;
}

/**
 * `sources`: the demo source and, with `second`, a second one on the same SIS file (a run of it
 * can be made active by hand to provoke conflicts without racing the worker).
 */
export async function startAdminHarness(
  name: string,
  options: { learners?: number; second?: boolean } = {},
): Promise<AdminHarness> {
  const dir = mkdtempSync(join(tmpdir(), `clr-admin-${name}-`));
  const sisFile = join(dir, 'sis.sqlite');
  const demo = generateDemoSis({ learners: options.learners ?? 8, out: sisFile, seed: 5, defects: true });
  const prefix = `clrt-admin-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const base = loadConfig({ path: 'config/default.yaml', env: {} });
  const source = (sourceName: string) =>
    sisSourceSchema.parse({ name: sourceName, driver: 'sqlite', connection: { file: sisFile } });
  const config: AppConfig = {
    ...base,
    sis: { sources: options.second === true ? [source('demo'), source('second')] : [source('demo')] },
    store: storeSchema.parse({ driver: 'sqlite', file: join(dir, 'publisher.sqlite') }),
    redis: { ...base.redis, prefix },
    logging: { ...base.logging, level: 'info' },
    admin: adminSchema.parse({
      tokens: [
        { name: 'ada-viewer', role: 'viewer', sha256: sha256(VIEWER_TOKEN) },
        { name: 'otto-operator', role: 'operator', sha256: sha256(OPERATOR_TOKEN) },
      ],
    }),
  };
  const db = new Database(sisFile, { readonly: true });
  const learnerIds = (
    db.prepare('SELECT learner_id FROM clr_learners ORDER BY learner_id').all() as {
      learner_id: string;
    }[]
  ).map((row) => row.learner_id);
  db.close();
  const worker = await startWorker({
    config,
    migrations: 'apply',
    logger: false,
    queues: [QueueName.Extract, QueueName.Build],
  });
  const logs = new LogLines();
  const api = await createApiApp(config, { migrations: 'verify', schedules: false, logDestination: logs });
  const server = api.getHttpServer() as App;
  const runs = api.get(SyncRunService);
  const waitForRun = (runId: string) => runs.waitForRun(runId, { timeoutMs: 60_000, pollMs: 50 });
  return {
    api,
    server,
    worker,
    config,
    store: api.get(PublisherStore),
    runs,
    producer: api.get(JobProducer),
    ids: new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret),
    demo,
    sisFile,
    learnerIds,
    logs,
    waitForRun,
    async fullRun() {
      const res = await request(server).post('/admin/runs').set(AS_OPERATOR).send({ mode: 'full' });
      if (res.status !== 202) throw new Error(`full run not started: ${res.status} ${res.text}`);
      return waitForRun((res.body as { id: string }).id);
    },
    async close() {
      await api.close();
      await worker.close();
      for (const queueName of Object.values(QueueName)) {
        const queue = new Queue(queueName, { connection: redisConnectionOptions(config.redis.url), prefix });
        try {
          await queue.obliterate({ force: true });
        } finally {
          await queue.close();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parsed audit details of the newest entries of an action. */
export async function auditOf(
  store: PublisherStore,
  action: string,
): Promise<{ actor: string; subject: string | null; details: Record<string, unknown> }[]> {
  return (await store.audit.list({ action })).map((entry) => ({
    actor: entry.actor,
    subject: entry.subject,
    details: entry.details === null ? {} : (JSON.parse(entry.details) as Record<string, unknown>),
  }));
}
