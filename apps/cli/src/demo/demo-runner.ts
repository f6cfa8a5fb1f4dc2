import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLR_SCOPES, HttpKeyResolver } from '@app/clr';
import { type AppConfig, DEFAULT_CONFIG_PATH, loadConfig, masterKeyBytes, projectRoot } from '@app/config';
import { type RunningStandInProvider, startStandInProvider } from '@app/provider';
import { type RunSummary, SyncRunService } from '@app/publishing';
import { generateDemoSis } from '@app/sis';
import {
  PublisherStore,
  applyStoreMigrations,
  createStoreDataSource,
  storeOptionsFromConfig,
} from '@app/store';
import { type RunningWorker, startWorker } from '@app/worker';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '../../../api/src/create-api-app';
import { DEMO_TARGET, demoConfig } from './demo-config';
import { type DemoReport, demoVerdict } from './demo-report';
import { waitForSettledDeliveries } from './delivery-settlement';
import { freePort, portAvailable } from './free-port';
import { type DemoRedis, RedisUnavailableError, ensureRedis } from './local-redis';
import { ProviderClrReader, type ReaderClient } from './provider-clr.reader';
import { obliterateQueues } from './queue-cleanup';
import { spreadSample, verifySample } from './sample-verification';

export const DEFAULT_DEMO_LEARNERS = 200;
export const DEFAULT_DEMO_SAMPLE = 10;

export interface DemoOptions {
  learners: number;
  /** Delivered CLRs verified over HTTP. */
  sample: number;
  /** Leave the api, worker and provider running after the summary until `untilStopped` resolves. */
  keep: boolean;
  /** Folder of the SIS, the store and the api log; default `.data` in the project. */
  dataDir?: string;
  /** Demo SIS seed; default 1. */
  seed?: number;
  /** The Redis server started when nothing answers; default `redis-server`. */
  redisServer?: string;
  /** The embedded configuration, already loaded (tests); default `config/default.yaml`. */
  baseConfig?: AppConfig;
  /** With `keep`: resolves when the user wants to stop (the command waits for Ctrl-C). */
  untilStopped?: () => Promise<void>;
  /** Longest wait for the run, and then for the deliveries, ms. Default 10 min each. */
  timeoutMs?: number;
}

export interface DemoOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Exit statuses: 0 all delivered and verified, 1 something failed, 2 the demo could not run. */
export const DEMO_OK = 0;
export const DEMO_FAILED = 1;
export const DEMO_CANNOT_RUN = 2;

interface Running {
  redis?: DemoRedis;
  provider?: RunningStandInProvider;
  api?: NestExpressApplication;
  worker?: RunningWorker;
  config?: AppConfig;
  logStream?: ReturnType<typeof createWriteStream>;
}

/**
 * The demo, end to end on one machine: a generated SIS, a fresh SQLite store, the stand-in
 * provider, the api (keys, revocation lists, hosted assertions) and the worker in this process;
 * one full sync with deliveries; then a sample of what the provider received is verified the
 * way any consumer would, with keys and revocation lists fetched over HTTP. Prints counts,
 * timings and verdicts only (no names, grades or student ids).
 */
export async function runDemo(options: DemoOptions, output: DemoOutput): Promise<number> {
  const started = performance.now();
  const running: Running = {};
  try {
    return await demo(options, output, running, started);
  } catch (error) {
    if (error instanceof RedisUnavailableError || error instanceof DemoDataError) {
      output.err(`demo cannot run: ${error.message}`);
      return DEMO_CANNOT_RUN;
    }
    output.err(`demo failed: ${describe(error)}`);
    return DEMO_FAILED;
  } finally {
    await shutDown(running, output);
  }
}

/** The demo's files are not where they should be (a store it did not make, say). */
class DemoDataError extends Error {
  override readonly name = 'DemoDataError';
}

/**
 * The demo starts from a fresh store and so deletes the last one: only a store whose signing keys
 * are sealed with the embedded configuration's (public, demo-only) master key, which no
 * installation may publish with. Any other file at that path (an installation's store, something
 * that is no store) is left alone.
 */
async function requireDemoStore(storeFile: string, shown: string, base: AppConfig): Promise<void> {
  if (!existsSync(storeFile)) return;
  let store: PublisherStore | undefined;
  try {
    store = await PublisherStore.open(
      { driver: 'sqlite', file: storeFile },
      { masterKey: masterKeyBytes(base), migrations: 'skip' },
    );
    for (const key of await store.keys.listKeys()) await store.keys.privateKeyPem(key.kid);
    return;
  } catch {
    throw new DemoDataError(
      `${shown} exists and is not a demo's store (its keys are not sealed with the demo's master key): it may be a real publisher store, and the demo starts from a fresh one. Move it elsewhere and run the demo again`,
    );
  } finally {
    await store?.close();
  }
}

async function demo(
  options: DemoOptions,
  output: DemoOutput,
  running: Running,
  started: number,
): Promise<number> {
  const root = projectRoot();
  const dataDir = options.dataDir ?? join(root, '.data');
  const shown = (file: string): string => relative(process.cwd(), file) || file;
  const base = options.baseConfig ?? loadConfig({ path: DEFAULT_CONFIG_PATH });

  running.redis = await ensureRedis({ url: base.redis.url, executable: options.redisServer });
  const queuePrefix = `demo-${randomBytes(4).toString('hex')}`;
  output.out(
    `clr-publisher demo: ${options.learners} learners; Redis ${running.redis.address}` +
      `${running.redis.started ? ' (started for this demo)' : ''}, queue prefix ${queuePrefix}`,
  );

  mkdirSync(dataDir, { recursive: true });
  const storeFile = join(dataDir, 'publisher.sqlite');
  await requireDemoStore(storeFile, shown(storeFile), base);
  const sisFile = join(dataDir, 'demo-sis.sqlite');
  let sis: ReturnType<typeof generateDemoSis>;
  try {
    sis = generateDemoSis({ learners: options.learners, out: sisFile, seed: options.seed ?? 1 });
  } catch (error) {
    throw new DemoDataError(describe(error));
  }
  const rows = Object.values(sis.rows).reduce((sum, count) => sum + count, 0);
  output.out(`  SIS       ${shown(sisFile)}: ${count(rows)} rows (${seconds(sis.elapsedMs)})`);

  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${storeFile}${suffix}`, { force: true });
  const apiPort = (await portAvailable('127.0.0.1', base.http.port))
    ? base.http.port
    : await freePort('127.0.0.1');

  const reader: ReaderClient = { clientId: 'demo-reader', clientSecret: randomBytes(24).toString('hex') };
  running.provider = await startStandInProvider({
    host: '127.0.0.1',
    port: 0,
    // Everything shares this process: on a busy machine a key fetch may wait its turn. The
    // stand-in answers 400 when a key cannot be fetched in time, which would fail the demo.
    verificationFetchTimeoutMs: 30_000,
    clients: [{ ...reader, scopes: [CLR_SCOPES.readonly] }],
  });
  const config = demoConfig({
    base,
    sisFile,
    storeFile,
    redisUrl: running.redis.url,
    queuePrefix,
    apiPort,
    providerBaseUrl: running.provider.baseUrl,
  });
  running.config = config;
  const applied = await migrate(config);
  output.out(`  store     ${shown(storeFile)}: fresh, ${applied} migration(s) applied`);

  const logFile = join(dataDir, 'demo-api.log');
  running.logStream = createWriteStream(logFile);
  running.api = await createApiApp(config, {
    migrations: 'verify',
    schedules: false,
    logDestination: running.logStream,
  });
  await running.api.listen(apiPort, '127.0.0.1');
  output.out(
    `  api       ${config.publicBaseUrl} (keys, revocation lists, hosted assertions; log ${shown(logFile)})`,
  );
  output.out(`  provider  ${running.provider.baseUrl} (stand-in CLR provider, dynamic registration)`);

  running.worker = await startWorker({ config, migrations: 'verify', logger: ['error'] });
  const store = running.worker.app.get(PublisherStore);
  const target = await store.targets.getByName(DEMO_TARGET);
  if (target === null || target.registrationEnc === null) {
    throw new Error(`the delivery target ${DEMO_TARGET} could not register with the provider`);
  }

  const syncStarted = performance.now();
  const runs = running.worker.app.get(SyncRunService);
  const run = await runs.trigger({ mode: 'full', trigger: 'cli', requestedBy: 'demo' });
  output.out(`sync run ${run.id} started (full)`);
  const summary: RunSummary = await runs.waitForRun(run.id, {
    timeoutMs: options.timeoutMs ?? 600_000,
    pollMs: 100,
    problemLimit: 5,
  });
  const syncMs = performance.now() - syncStarted;
  const settled = await waitForSettledDeliveries(store, {
    timeoutMs: options.timeoutMs ?? 600_000,
    targetId: target.id,
  });
  const settledMs = performance.now() - syncStarted;

  const held = await new ProviderClrReader(running.provider.baseUrl, reader).readAll();
  const sample = spreadSample(held.signedClrs, options.sample);
  const verdicts = await verifySample(sample, new HttpKeyResolver({ timeoutMs: 30_000 }));

  const report: DemoReport = {
    learners: options.learners,
    run: summary,
    syncMs,
    deliveriesSettled: settled.settled,
    deliveries: settled.counts,
    providerHolds: held.total,
    verdicts,
    elapsedMs: performance.now() - started,
    settledMs,
  };
  const verdict = demoVerdict(report);
  for (const line of verdict.lines) output.out(line);
  if (!verdict.ok) return DEMO_FAILED;

  if (options.keep) {
    output.out('');
    output.out('Still running (Ctrl-C to stop):');
    output.out(`  api       ${config.publicBaseUrl}/ims/clr/v1p0/revocations/institution`);
    output.out(`  provider  ${running.provider.baseUrl}/_provider/stats`);
    output.out(`  files     ${shown(sisFile)}, ${shown(storeFile)}`);
    await (options.untilStopped ?? (() => Promise.resolve()))();
  }
  return DEMO_OK;
}

async function migrate(config: AppConfig): Promise<number> {
  const dataSource = createStoreDataSource(storeOptionsFromConfig(config.store));
  await dataSource.initialize();
  try {
    return (await applyStoreMigrations(dataSource)).length;
  } finally {
    await dataSource.destroy();
  }
}

/** Stops what was started, in reverse order; reports but survives a part that fails to stop. */
async function shutDown(running: Running, output: DemoOutput): Promise<void> {
  const steps: [string, (() => Promise<void>) | undefined][] = [
    ['worker', running.worker && (() => running.worker!.close())],
    ['api', running.api && (() => running.api!.close())],
    ['provider', running.provider && (() => running.provider!.close())],
    [
      'queues',
      running.config && running.redis?.started === false
        ? () => obliterateQueues(running.config!.redis.url, running.config!.redis.prefix)
        : undefined,
    ],
    [
      'api log',
      running.logStream && (() => new Promise<void>((resolve) => running.logStream!.end(() => resolve()))),
    ],
    ['redis', running.redis && (() => running.redis!.stop())],
  ];
  for (const [name, stop] of steps) {
    if (stop === undefined) continue;
    try {
      await stop();
    } catch (error) {
      output.err(`demo: could not stop the ${name} cleanly: ${describe(error)}`);
    }
  }
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error);
}
