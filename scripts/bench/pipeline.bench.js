'use strict';
// The publishing pipeline end to end, from dist/: a generated demo SIS, a fresh SQLite store,
// the real worker (dist/apps/worker/src/main.js) in child processes, the stand-in provider in
// this process; one full sync with its deliveries, the raw RS256 limit of this machine on the
// same signing inputs, then an incremental sync with 1% of the learners changed.
// Usage: npm run bench -- [--learners N] [--workers N] [--build-concurrency N]
//        [--learner-concurrency N] [--batch-size N] [--sign-seconds S] [--worker-heap MB]
//        [--signing-threads N] [--heap-growth PERCENT]
//        [--no-incremental] [--provider-validates]
//        [--profile DIR]   (V8 CPU profiles of the worker processes, written when they stop)
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { clearInterval, setInterval, setTimeout } = require('node:timers');
const YAML = require('yaml');
const { measureSigningLimit } = require('./raw-signing');
const { startWorkerProcess } = require('./worker-process');

const ROOT = path.resolve(__dirname, '..', '..');
const dist = (...parts) => require(path.join(ROOT, 'dist', ...parts));
const config = dist('libs', 'config', 'src');
const { generateDemoSis, mutateDemoSis } = dist('libs', 'sis', 'src');
const { startStandInProvider } = dist('apps', 'provider', 'src');
const { PublishingModule, SyncRunService } = dist('libs', 'publishing', 'src');
const { PublisherStore } = dist('libs', 'store', 'src');
const { JobProducer, QueueName } = dist('libs', 'jobs', 'src');
const { ensureRedis } = dist('apps', 'cli', 'src', 'demo', 'local-redis');
const { demoConfig } = dist('apps', 'cli', 'src', 'demo', 'demo-config');
const { waitForSettledDeliveries } = dist('apps', 'cli', 'src', 'demo', 'delivery-settlement');
const { obliterateQueues } = dist('apps', 'cli', 'src', 'demo', 'queue-cleanup');
const { NestFactory } = require('@nestjs/core');

const DEFAULTS = {
  learners: 2000,
  workers: 1,
  'build-concurrency': 2,
  'learner-concurrency': 4,
  'batch-size': 100,
  'sign-seconds': 5,
  /** --max-old-space-size of the worker processes, MB; 0: Node's default. */
  'worker-heap': 0,
  /** pipeline.signingThreads of the workers; 0: the default (one per core). */
  'signing-threads': 0,
  /** pipeline.heapGrowthPercent of the workers; -1: the configuration's default. */
  'heap-growth': -1,
};

function options() {
  const args = process.argv.slice(2);
  const result = { ...DEFAULTS, incremental: true, providerValidates: false };
  for (let i = 0; i < args.length; i += 1) {
    const name = args[i].replace(/^--/, '');
    if (name === 'no-incremental') {
      result.incremental = false;
      continue;
    }
    if (name === 'provider-validates') {
      result.providerValidates = true;
      continue;
    }
    if (name === 'profile') {
      // V8 CPU profiles of the worker processes (open them in Chrome DevTools).
      result.profile = path.resolve(args[i + 1] ?? usage('--profile needs a folder'));
      i += 1;
      continue;
    }
    if (!(name in DEFAULTS) || !args[i].startsWith('--')) usage(`unknown option ${args[i]}`);
    const value = Number(args[i + 1]);
    if (
      !Number.isFinite(value) ||
      value < (name === 'worker-heap' || name === 'signing-threads' || name === 'heap-growth' ? 0 : 1)
    )
      usage(`--${name} needs a positive number`);
    if (name !== 'sign-seconds' && !Number.isInteger(value)) usage(`--${name} needs a whole number`);
    result[name] = value;
    i += 1;
  }
  return result;
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: npm run bench -- [--learners N] [--workers N] [--build-concurrency N] ` +
      '[--learner-concurrency N] [--batch-size N] [--sign-seconds S] [--worker-heap MB] [--signing-threads N] [--heap-growth PERCENT] [--no-incremental] [--provider-validates] [--profile DIR]\n',
  );
  process.exit(2);
}

const note = (text) => process.stderr.write(`${text}\n`);
const fixed = (value, digits = 1) => (value >= 100 ? value.toFixed(0) : value.toFixed(digits));
const count = (value) => value.toLocaleString('en-US');
const mb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

async function waitForWorkers(producer, expected, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(
      [QueueName.Build, QueueName.Deliver].map((name) => producer.queue(name).getWorkersCount()),
    );
    if (counts.every((n) => n >= expected)) return;
    if (Date.now() > deadline) throw new Error(`the worker processes did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Triggers a run and times it to the run's end and to its last delivery settled. */
async function timedRun(runs, store, mode, workers = []) {
  const start = performance.now();
  const run = await runs.trigger({ mode, trigger: 'cli', requestedBy: 'bench' });
  let reported = start;
  const summary = await runs.waitForRun(run.id, {
    timeoutMs: 6 * 3600_000,
    pollMs: 100,
    problemLimit: 0,
    // A line every 30 s: a long run that is cut short still tells how far it got.
    onProgress: ({ counts }) => {
      const now = performance.now();
      if (now - reported < 30_000) return;
      reported = now;
      const seconds = (now - start) / 1000;
      note(
        `  ${seconds.toFixed(0)} s: ${count(counts.learnersBuilt)} built (${fixed(counts.learnersBuilt / seconds)}/s), ` +
          `${count(counts.assertionsSigned)} assertions; worker peak RSS ${workers.map((worker) => mb(worker.peakRss())).join(', ')}`,
      );
    },
  });
  const runMs = performance.now() - start;
  const settled = await waitForSettledDeliveries(store, { timeoutMs: 3600_000, pollMs: 100 });
  return { summary, runMs, totalMs: performance.now() - start, settled };
}

/** Signing inputs the pipeline really signed: some stored CLRs and the assertions inside them. */
async function signedSamples(store, limit = 20) {
  const jws = [];
  for (const learner of await store.versions.listLearners({ limit })) {
    const [latest] = await store.versions.listVersions(learner.learnerRef, { limit: 1 });
    const version = await store.versions.getVersion(latest.id);
    if (typeof version?.signedPayload !== 'string') continue;
    const payload = JSON.parse(
      Buffer.from(version.signedPayload.split('.')[1], 'base64url').toString('utf8'),
    );
    jws.push(version.signedPayload, ...(payload.signedAssertions ?? []));
  }
  return jws;
}

async function main() {
  const opts = options();
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clr-bench-'));
  const cleanups = [() => fs.rmSync(dir, { recursive: true, force: true })];
  try {
    const base = config.loadConfig({ path: config.DEFAULT_CONFIG_PATH });
    const redis = await ensureRedis({ url: base.redis.url });
    cleanups.unshift(() => redis.stop());

    note(`generating a demo SIS of ${count(opts.learners)} learners ...`);
    const sisFile = path.join(dir, 'sis.sqlite');
    const sis = generateDemoSis({ learners: opts.learners, out: sisFile, seed: 1 });
    const reader = { clientId: 'bench', clientSecret: randomBytes(24).toString('hex') };
    // A receiving provider runs on its own machine: by default the stand-in only reads what it
    // needs to store each CLR (its id), so its checks are not charged to the publisher's cores.
    // --provider-validates has it validate every CLR (structure, JSON-LD, semantics; never the
    // signatures, which would fetch keys).
    const provider = await startStandInProvider({
      port: 0,
      verifySignatures: false,
      validatePayloads: opts.providerValidates,
      clients: [reader],
    });
    cleanups.unshift(() => provider.close());
    // The stand-in keeps every CLR it accepts (hundreds of KB each); the bench counts
    // deliveries in the store, so accepted CLRs are dropped as they come (the post log stays).
    const forget = setInterval(() => {
      for (const stored of provider.state.storedClrs()) provider.state.deleteClr(stored.id);
    }, 500);
    cleanups.unshift(() => clearInterval(forget));

    const prefix = `bench-${randomBytes(4).toString('hex')}`;
    const appConfig = {
      ...demoConfig({
        base,
        sisFile,
        storeFile: path.join(dir, 'publisher.sqlite'),
        redisUrl: redis.url,
        queuePrefix: prefix,
        apiPort: base.http.port,
        providerBaseUrl: provider.baseUrl,
      }),
      logging: { level: 'warn' },
      pipeline: {
        batchSize: opts['batch-size'],
        extractConcurrency: 1,
        buildConcurrency: opts['build-concurrency'],
        learnerConcurrency: opts['learner-concurrency'],
        signingThreads: opts['signing-threads'],
        ...(opts['heap-growth'] >= 0 ? { heapGrowthPercent: opts['heap-growth'] } : {}),
      },
    };
    appConfig.delivery = {
      ...appConfig.delivery,
      targets: [
        config.deliveryTargetSchema.parse({
          name: 'stand-in-provider',
          baseUrl: provider.baseUrl,
          auth: { type: 'clientCredentials', clientId: reader.clientId, clientSecret: reader.clientSecret },
          concurrency: 16,
          ratePerSecond: 10_000,
        }),
      ],
    };
    const configFile = path.join(dir, 'config.yaml');
    fs.writeFileSync(configFile, YAML.stringify(appConfig), { mode: 0o600 });

    const app = await NestFactory.createApplicationContext(
      PublishingModule.forApp(appConfig, { migrations: 'apply' }),
      { logger: ['error'] },
    );
    cleanups.unshift(async () => {
      await app.close();
      if (!redis.started) await obliterateQueues(redis.url, prefix);
    });
    const store = app.get(PublisherStore);
    const runs = app.get(SyncRunService);

    note(`starting ${opts.workers} worker process(es) ...`);
    const workers = Array.from({ length: opts.workers }, (_, i) =>
      startWorkerProcess(configFile, path.join(dir, `worker-${i}.log`), {
        nodeArgs: [
          ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : []),
          ...(opts['worker-heap'] > 0 ? [`--max-old-space-size=${opts['worker-heap']}`] : []),
        ],
      }),
    );
    cleanups.unshift(() => Promise.all(workers.map((worker) => worker.stop())));
    await waitForWorkers(app.get(JobProducer), opts.workers);

    note('full sync ...');
    const cpuBefore = workers.map((worker) => worker.cpuSeconds() ?? 0);
    const benchCpuBefore = process.cpuUsage();
    const full = await timedRun(runs, store, 'full', workers);
    const benchCpuUsage = process.cpuUsage(benchCpuBefore);
    const benchCpu = (benchCpuUsage.user + benchCpuUsage.system) / 1e6;
    const workerCpu = workers.reduce(
      (sum, worker, i) => sum + ((worker.cpuSeconds() ?? 0) - cpuBefore[i]),
      0,
    );
    if (full.summary.status !== 'succeeded')
      throw new Error(`the full run ${full.summary.status}: ${full.summary.error}`);
    const fullCounts = full.summary.counts;
    const signatures = fullCounts.assertionsSigned + fullCounts.learnersBuilt;

    note(`raw RS256 signing, ${opts['sign-seconds']} s each way ...`);
    const raw = await measureSigningLimit(await signedSamples(store), { seconds: opts['sign-seconds'] });

    let incremental;
    if (opts.incremental) {
      const changed = mutateDemoSis(sisFile, { fraction: 0.01, seed: 2 });
      note(`incremental sync after changing ${count(changed.learnerIds.length)} learners ...`);
      incremental = { changed: changed.learnerIds.length, ...(await timedRun(runs, store, 'incremental')) };
    }
    const workerRss = workers.map((worker) => worker.peakRss());
    const benchRss = process.resourceUsage().maxRSS * 1024;

    const rate = (n, ms) => (n * 1000) / ms;
    const cpus = os.cpus();
    const lines = [
      '',
      `pipeline benchmark (dist/), ${new Date().toISOString()}`,
      `node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'cpu'}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
      `setup: ${count(opts.learners)} learners (demo SIS, ${count(Object.values(sis.rows).reduce((a, b) => a + b, 0))} rows), SQLite store, Redis ${redis.address}; ` +
        `${opts.workers} worker process(es)${opts['worker-heap'] > 0 ? ` (heap cap ${opts['worker-heap']} MB)` : ''}, ${opts['signing-threads'] > 0 ? opts['signing-threads'] : 'default'} signing thread(s), heap growth ${opts['heap-growth'] >= 0 ? `${opts['heap-growth']}%` : `${config.pipelineSchema.parse({}).heapGrowthPercent}% (default)`}, build concurrency ${opts['build-concurrency']}, ${opts['learner-concurrency']} learners at once per batch, batches of ${opts['batch-size']}; ` +
        `stand-in provider in the bench process (${opts.providerValidates ? 'validates each CLR, signature check off' : 'reads each CLR without validating it'}, accepted CLRs not kept)`,
      '',
      `full run: ${count(fullCounts.learnersBuilt)} CLRs, ${count(fullCounts.assertionsSigned)} assertions, ${count(signatures)} signatures, ${count(full.settled.counts.delivered)} deliveries`,
      `  trigger -> run succeeded          ${(full.runMs / 1000).toFixed(1)} s`,
      `  trigger -> deliveries settled     ${(full.totalMs / 1000).toFixed(1)} s${full.settled.settled ? '' : ' (NOT all settled)'}`,
      `  learners/s ${fixed(rate(fullCounts.learnersSeen, full.totalMs))}, assertions/s ${fixed(rate(fullCounts.assertionsSigned, full.totalMs))}, ` +
        `signatures/s ${fixed(rate(signatures, full.totalMs))}, deliveries/s ${fixed(rate(full.settled.counts.delivered, full.totalMs))} (trigger -> settled)`,
      `  signatures/s while building: ${fixed(rate(signatures, full.runMs))} (trigger -> run succeeded)`,
      `  CPU: worker ${workerCpu.toFixed(1)} s = ${(workerCpu / (full.totalMs / 1000)).toFixed(2)} cores on average; ` +
        `bench process (provider${opts.providerValidates ? ' validating every CLR' : ''}) ${benchCpu.toFixed(1)} s = ${(benchCpu / (full.totalMs / 1000)).toFixed(2)} cores`,
      `raw RS256 limit on the same inputs (${raw.inputs} JWS inputs, mean ${count(raw.meanInputBytes)} bytes, fresh RSA-2048 key):`,
      `  async crypto.sign on the libuv pool (${raw.poolSize} threads, 64 in flight) ${fixed(raw.pool)}/s; ${raw.cores} worker threads, sync sign ${fixed(raw.threads)}/s`,
      `  limit ${fixed(raw.limit)}/s (${raw.how})`,
      `  full run at ${(rate(signatures, full.totalMs) / raw.limit).toFixed(2)} of the limit (trigger -> settled; target >= 0.50), ` +
        `${(rate(signatures, full.runMs) / raw.limit).toFixed(2)} while building`,
    ];
    if (incremental) {
      lines.push(
        `incremental run, ${count(incremental.changed)} learners changed (1%): ${count(incremental.summary.counts.learnersBuilt)} rebuilt, ` +
          `${count(incremental.settled.counts.delivered - full.settled.counts.delivered)} delivered`,
        `  trigger -> deliveries settled ${(incremental.totalMs / 1000).toFixed(2)} s = ${((incremental.totalMs / full.totalMs) * 100).toFixed(1)}% of the full run (target <= 5%)`,
      );
    }
    lines.push(
      `peak RSS: worker ${workerRss.map(mb).join(', ')} (target <= 400 MB at 20,000 learners); bench process (provider, trigger) ${mb(benchRss)}`,
      `total ${((performance.now() - started) / 1000).toFixed(0)} s`,
      '',
    );
    process.stdout.write(lines.join('\n'));
  } finally {
    for (const cleanup of cleanups) {
      try {
        await cleanup();
      } catch (error) {
        note(`cleanup: ${error.message}`);
      }
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench pipeline failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
