/**
 * The whole publisher for end-to-end suites: a generated demo SIS, a fresh store (SQLite file or
 * a PostgreSQL schema of the suite's own), the stand-in provider, the api listening on loopback
 * and the worker (in this process, or as a real child process on a temp configuration file),
 * all on a queue prefix of the suite's own in the local Redis. Everything real: HTTP, Redis,
 * the database, the delivery target's dynamic registration.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { HttpKeyResolver } from '@app/clr';
import { type AppConfig, parseConfig } from '@app/config';
import { type LogLevel, snapshotKey } from '@app/observability';
import { QueueName, redisConnectionOptions } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import {
  type RunningStandInProvider,
  type StandInProviderOptions,
  startStandInProvider,
} from '@app/provider';
import { type RunSummary, SyncRunService, learnerRefOf } from '@app/publishing';
import { type DemoSisSummary, generateDemoSis } from '@app/sis';
import {
  type DeliveryTargetEntity,
  PublisherStore,
  type RunMode,
  applyStoreMigrations,
  createStoreDataSource,
  storeOptionsFromConfig,
} from '@app/store';
import { type RunningWorker, startWorker } from '@app/worker';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type DestinationStream } from 'pino';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { type DeliveryCounts, waitForSettledDeliveries } from '../../apps/cli/src/demo/delivery-settlement';
import { freePort } from '../../apps/cli/src/demo/free-port';
import { obliterateQueues } from '../../apps/cli/src/demo/queue-cleanup';

export const ROOT = resolve(__dirname, '../..');
export const REDIS_URL = 'redis://127.0.0.1:6379';
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
export const TARGET_NAME = 'stand-in';

export type StoreKind = 'sqlite' | 'postgres';

export interface PipelineStackOptions {
  /** Short suite name: part of the queue prefix, temp folder and PostgreSQL schema. */
  name: string;
  /** Learners of the demo SIS; default 30. */
  learners?: number;
  store?: StoreKind;
  /** `in-process` (default) or a real `child` process running a build of the worker's main. */
  worker?: 'in-process' | 'child';
  /** Learners per build batch; default 10. */
  batchSize?: number;
  /** Extra YAML appended to the `delivery:` section (indented two spaces). */
  delivery?: string;
  /** Attempts before a delivery dies; default 12. */
  deliveryMaxAttempts?: number;
  /**
   * The target's post timeout; default 40 s, above the stand-in's 30 s key fetches, so a post
   * the provider is still checking is not given up and sent again (a duplicate by timeout).
   */
  deliveryTimeoutMs?: number;
  provider?: StandInProviderOptions;
  /** Demo SIS with its data-quality defects (one learner in 250, the 125th). */
  defects?: boolean;
  /**
   * Where the api's and the in-process worker's JSON log lines go (one stream for both: in one
   * process they share Nest's logger); default stdout for the api, nothing for the worker.
   */
  logs?: DestinationStream;
  /** `logging.level`; default `error`. */
  logLevel?: LogLevel;
  /** More top-level configuration sections (`admin`, `providerApi`...), as YAML. */
  extraYaml?: string;
  /** How often the in-process worker publishes its metrics snapshot, ms; default 10000. */
  metricsIntervalMs?: number;
}

/** A worker started by the stack. */
export interface StackWorker {
  kind: 'in-process' | 'child';
  /** The child process (kind `child`). */
  process?: ChildProcess;
  /** Graceful stop (SIGTERM for a child). */
  stop(): Promise<void>;
}

export interface PipelineStack {
  dir: string;
  sisFile: string;
  demo: DemoSisSummary;
  config: AppConfig;
  configFile: string;
  prefix: string;
  provider: RunningStandInProvider;
  api: NestExpressApplication;
  apiUrl: string;
  store: PublisherStore;
  runs: SyncRunService;
  ids: ClrIdFactory;
  worker: StackWorker | undefined;
  startWorker(): Promise<StackWorker>;
  /** SIGKILL of a child worker: no shutdown, nothing finished. */
  killWorker(): Promise<void>;
  /** The delivery target row (once a worker has synced the configuration). */
  target(): Promise<DeliveryTargetEntity>;
  /** Triggers a run and waits for its end. */
  sync(mode: RunMode): Promise<RunSummary>;
  /** Waits until no delivery is pending, retrying or in flight. */
  settle(timeoutMs?: number): Promise<DeliveryCounts>;
  /** Keys and revocation lists over HTTP, as any verifier gets them. */
  resolver(): HttpKeyResolver;
  learnerRef(learnerId: string): string;
  /** Runs SQL on the demo SIS (the registrar's side). */
  onSis<T>(work: (db: Database.Database) => T): T;
  close(): Promise<void>;
}

/** `YYYY-MM-DD HH:MM:SS`, as the demo SIS stores `updated_at`. */
export function sqlNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

async function pg(sql: string): Promise<void> {
  const client = new Client(PG);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function configYaml(input: {
  apiPort: number;
  sisFile: string;
  store: string;
  prefix: string;
  providerUrl: string;
  batchSize: number;
  delivery: string;
  maxAttempts: number;
  timeoutMs: number;
  logLevel: LogLevel;
  extraYaml: string;
}): string {
  return `
institution:
  id: e2e-university
  name: E2E University
  url: http://127.0.0.1:${input.apiPort}
  email: registrar@e2e-university.example
  idSecret: ${'e2e-only-id-secret-'.padEnd(48, 'x')}
publicBaseUrl: http://127.0.0.1:${input.apiPort}
keys:
  masterKey: ${createHash('sha256').update('clr-publisher e2e master key').digest('base64')}
sis:
  sources:
    - name: demo
      driver: sqlite
      connection: { file: ${input.sisFile} }
case:
  packages: [${join(ROOT, 'config', 'case', 'act-holistic-framework-math.cfpackage.json')}]
  onUnresolved: keep-url
store:
${input.store}
redis:
  url: ${REDIS_URL}
  prefix: ${input.prefix}
delivery:
  targets:
    - name: ${TARGET_NAME}
      baseUrl: ${input.providerUrl}
      auth: { type: dynamicRegistration }
      concurrency: 4
      ratePerSecond: 1000
      timeoutMs: ${input.timeoutMs}
  retry: { maxAttempts: ${input.maxAttempts}, baseDelayMs: 50, maxDelayMs: 400 }
  # Above two post timeouts plus store waits: a live post is never taken for a dead worker's
  # (which would post it twice); a killed worker's in-flight posts wait this long.
  staleAfterSeconds: ${Math.ceil((2 * input.timeoutMs) / 1000) + 10}
  sweepIntervalSeconds: 1
${input.delivery}
http: { host: 127.0.0.1, port: ${input.apiPort} }
logging: { level: ${input.logLevel} }
pipeline: { batchSize: ${input.batchSize} }
${input.extraYaml}
`;
}

let workerBuild: string | undefined;

/**
 * A private build of the sources (not dist/, which other suites may be running while this one
 * builds), for the worker run as a child process; built once per test file.
 */
export function workerMain(): string {
  if (workerBuild === undefined) {
    const out = join(ROOT, '.data', `pipeline-e2e-${process.pid}`);
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    workerBuild = out;
  }
  return join(workerBuild, 'apps', 'worker', 'src', 'main.js');
}

/** Deletes the private build (afterAll of a file that used {@link workerMain}). */
export function removeWorkerBuild(): void {
  if (workerBuild !== undefined) rmSync(workerBuild, { recursive: true, force: true });
  workerBuild = undefined;
}

export async function startPipelineStack(options: PipelineStackOptions): Promise<PipelineStack> {
  const token = `${options.name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const prefix = `clre2e-${token}`;
  const dir = mkdtempSync(join(tmpdir(), `clr-e2e-${options.name}-`));
  const sisFile = join(dir, 'sis.sqlite');
  const demo = generateDemoSis({
    learners: options.learners ?? 30,
    out: sisFile,
    seed: 3,
    defects: options.defects === true,
  });
  const schema = `clr_e2e_${options.name.replace(/[^a-z0-9]/gi, '_')}_${process.pid}`.toLowerCase();
  const storeKind = options.store ?? 'sqlite';
  const storeYaml =
    storeKind === 'sqlite'
      ? `  driver: sqlite\n  file: ${join(dir, 'publisher.sqlite')}`
      : `  driver: postgres\n  connection: { host: ${PG.host}, port: ${PG.port}, database: ${PG.database}, user: ${PG.user}, schema: ${schema} }`;
  if (storeKind === 'postgres')
    await pg(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);

  const cleanups: (() => Promise<void>)[] = [];
  // Suites run side by side: a key fetch may wait its turn (the stand-in answers 400 on a timeout).
  const provider = await startStandInProvider({
    port: 0,
    host: '127.0.0.1',
    verificationFetchTimeoutMs: 30_000,
    ...options.provider,
  });
  cleanups.push(() => provider.close());
  const apiPort = await freePort('127.0.0.1');
  const yaml = configYaml({
    apiPort,
    sisFile,
    store: storeYaml,
    prefix,
    providerUrl: provider.baseUrl,
    batchSize: options.batchSize ?? 10,
    delivery: options.delivery ?? '',
    maxAttempts: options.deliveryMaxAttempts ?? 12,
    timeoutMs: options.deliveryTimeoutMs ?? 40_000,
    logLevel: options.logLevel ?? 'error',
    extraYaml: options.extraYaml ?? '',
  });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, yaml, { mode: 0o600 });
  const config = parseConfig(yaml, { env: {}, source: configFile, root: ROOT });

  const dataSource = createStoreDataSource(storeOptionsFromConfig(config.store));
  await dataSource.initialize();
  try {
    await applyStoreMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }

  let api: NestExpressApplication;
  try {
    api = await createApiApp(config, {
      migrations: 'verify',
      schedules: false,
      ...(options.logs !== undefined ? { logDestination: options.logs } : {}),
    });
    await api.listen(apiPort, '127.0.0.1');
  } catch (error) {
    await provider.close();
    throw error;
  }
  const store = api.get(PublisherStore);
  const runs = api.get(SyncRunService);
  const ids = new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret);

  const stack: PipelineStack = {
    dir,
    sisFile,
    demo,
    config,
    configFile,
    prefix,
    provider,
    api,
    apiUrl: config.publicBaseUrl,
    store,
    runs,
    ids,
    worker: undefined,
    async startWorker() {
      const worker =
        options.worker === 'child'
          ? await startChildWorker(configFile, join(dir, `worker-${Date.now()}.log`), prefix)
          : await startInProcessWorker(config, options);
      stack.worker = worker;
      return worker;
    },
    async killWorker() {
      const child = stack.worker?.process;
      if (child === undefined) throw new Error('only a child worker can be killed');
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
      stack.worker = undefined;
    },
    async target() {
      const target = await store.targets.getByName(TARGET_NAME);
      if (target === null) throw new Error(`no delivery target ${TARGET_NAME}: has a worker started?`);
      return target;
    },
    async sync(mode) {
      const run = await runs.trigger({ mode, trigger: 'cli', requestedBy: 'e2e' });
      return runs.waitForRun(run.id, { timeoutMs: 120_000, pollMs: 50, problemLimit: 1000 });
    },
    async settle(timeoutMs = 60_000) {
      const result = await waitForSettledDeliveries(store, { timeoutMs, pollMs: 50 });
      if (!result.settled) {
        throw new Error(`deliveries not settled after ${timeoutMs} ms: ${JSON.stringify(result.counts)}`);
      }
      return result.counts;
    },
    resolver: () => new HttpKeyResolver({ timeoutMs: 5000 }),
    learnerRef: (learnerId) => learnerRefOf(ids, learnerId),
    onSis(work) {
      const db = new Database(sisFile);
      try {
        return work(db);
      } finally {
        db.close();
      }
    },
    async close() {
      const steps: (() => Promise<void>)[] = [
        async () => stack.worker?.stop(),
        () => api.close(),
        ...cleanups,
        () => obliterateQueues(REDIS_URL, prefix),
        () => deleteMetricsSnapshots(prefix),
        async () => {
          if (storeKind === 'postgres') await pg(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        },
        () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
      ];
      const errors: unknown[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw errors[0];
    },
  };
  return stack;
}

async function startInProcessWorker(config: AppConfig, options: PipelineStackOptions): Promise<StackWorker> {
  const running: RunningWorker = await startWorker({
    config,
    migrations: 'verify',
    ...(options.logs !== undefined ? { logging: { destination: options.logs } } : { logger: false as const }),
    ...(options.metricsIntervalMs !== undefined ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
  });
  return { kind: 'in-process', stop: () => running.close() };
}

/** The workers' metrics snapshots (a hash under the prefix) go with the queues. */
async function deleteMetricsSnapshots(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(snapshotKey(prefix));
  } finally {
    redis.disconnect();
  }
}

/**
 * `node <build>/apps/worker/src/main.js` with CLR_CONFIG on the suite's configuration file;
 * ready once its build and deliver consumers are connected (the deliver one starts after the
 * worker synced and registered the delivery targets).
 */
async function startChildWorker(configFile: string, logFile: string, prefix: string): Promise<StackWorker> {
  const main = workerMain();
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, CLR_CONFIG: configFile },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const queues = [QueueName.Build, QueueName.Deliver].map(
    (name) => new Queue(name, { connection: redisConnectionOptions(REDIS_URL), prefix }),
  );
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `the worker exited at start (${child.exitCode}): ${readFileSync(logFile, 'utf8').slice(-2000)}`,
        );
      }
      const counts = await Promise.all(queues.map((queue) => queue.getWorkersCount()));
      if (counts.every((count) => count > 0)) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `the worker did not start within 30 s: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
        );
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
  return {
    kind: 'child',
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
