'use strict';
// Where a full build spends its time, from a built tree (dist/ by default; run `npm run build`):
// a generated demo SIS, a fresh SQLite store, the worker's consumers in a child process (the
// build alone: no delivery targets), one full sync; then the raw RS256 limit of this machine on
// signing inputs the build really signed, single-thread and on every core, measured in the same
// run. The child runs once per heap setting, so peak RSS is seen with and without a heap cap.
// Usage: npm run bench -- build-profile [--learners N] [--batch-size N] [--build-concurrency N]
//        [--learner-concurrency N] [--signing-threads N] [--sign-seconds S]
//        [--heaps default,192] [--dist DIR] [--cpu-prof DIR]
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { performance, PerformanceObserver } = require('node:perf_hooks');
const { promisify } = require('node:util');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..', '..');
const SELF = path.join(__dirname, 'build-profile.bench.js');
const DEFAULTS = {
  learners: 2000,
  'batch-size': 100,
  'build-concurrency': 2,
  'learner-concurrency': 0, // 0: the configuration's default
  'sign-seconds': 3,
  'signing-threads': 0, // 0: libs/clr's default (when the build has setSigningThreadCount)
};

const note = (text) => process.stderr.write(`${text}\n`);
const mb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
const count = (value) => value.toLocaleString('en-US');

function options(argv) {
  const result = { ...DEFAULTS, heaps: ['default', '192'], dist: path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    i += 1;
    if (name === 'heaps') result.heaps = String(value).split(',');
    else if (name === 'dist') result.dist = path.resolve(String(value));
    else if (name === 'cpu-prof') result.cpuProf = path.resolve(String(value));
    else if (name in DEFAULTS && Number.isFinite(Number(value)) && Number(value) >= 0)
      result[name] = Number(value);
    else usage(`bad option ${argv[i - 1]} ${value ?? ''}`);
  }
  return result;
}

function usage(message) {
  note(
    `${message}\nusage: build-profile.bench.js [--learners N] [--batch-size N] [--build-concurrency N] ` +
      '[--learner-concurrency N] [--signing-threads N] [--sign-seconds S] [--heaps default,192] [--dist DIR] [--cpu-prof DIR]',
  );
  process.exit(2);
}

/** User + system CPU seconds of this process's main thread (Linux), else undefined. */
function mainThreadCpu() {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

/** VmHWM of this process (Linux), else the resource usage peak. */
function peakRss() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

// ---- the child: one full build in this process ------------------------------------------------

async function child(input) {
  const dist = (...parts) => require(path.join(input.dist, ...parts));
  require('reflect-metadata');
  const config = dist('libs', 'config', 'src');
  const { startWorker } = dist('apps', 'worker', 'src');
  const { SyncRunService } = dist('libs', 'publishing', 'src');
  const { PublisherStore } = dist('libs', 'store', 'src');
  const { obliterateQueues } = dist('apps', 'cli', 'src', 'demo', 'queue-cleanup');
  const clr = dist('libs', 'clr', 'src');
  if (input.signingThreads > 0) clr.setSigningThreadCount(input.signingThreads);

  const base = config.loadConfig({ path: config.DEFAULT_CONFIG_PATH, env: {} });
  const pipeline = {
    ...base.pipeline,
    batchSize: input.batchSize,
    buildConcurrency: input.buildConcurrency,
    ...(input.learnerConcurrency > 0 ? { learnerConcurrency: input.learnerConcurrency } : {}),
  };
  const appConfig = {
    ...base,
    sis: {
      sources: [
        config.sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file: input.sisFile } }),
      ],
    },
    store: config.storeSchema.parse({ driver: 'sqlite', file: input.storeFile }),
    redis: { url: input.redisUrl, prefix: input.prefix },
    delivery: { ...base.delivery, targets: [] },
    ...(base.logging === undefined ? {} : { logging: { ...base.logging, level: 'warn' } }),
    pipeline,
  };
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  const worker = await startWorker({ config: appConfig, migrations: 'apply', logger: ['error'] });
  try {
    const runs = worker.app.get(SyncRunService);
    const store = worker.app.get(PublisherStore);
    gc.observe({ entryTypes: ['gc'] });
    const cpu = process.cpuUsage();
    const mainCpu = mainThreadCpu();
    const elu = performance.eventLoopUtilization();
    const start = performance.now();
    const run = await runs.trigger({ mode: 'full', trigger: 'cli', requestedBy: 'bench' });
    const summary = await runs.waitForRun(run.id, { timeoutMs: 3600_000, pollMs: 50, problemLimit: 0 });
    const runMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const mainCpuEnd = mainThreadCpu();
    const loop = performance.eventLoopUtilization(elu);
    gc.disconnect();
    if (summary.status !== 'succeeded') throw new Error(`the run ${summary.status}: ${summary.error ?? ''}`);
    const samples = await signingSamples(store);
    const sizes = await storedSizes(store);
    return {
      runMs,
      cpuSeconds: (used.user + used.system) / 1e6,
      mainThreadCpu: mainCpu === undefined || mainCpuEnd === undefined ? undefined : mainCpuEnd - mainCpu,
      eventLoopBusySeconds: loop.active / 1000,
      gcSeconds: gcMs / 1000,
      counts: summary.counts,
      peakRss: peakRss(),
      samples,
      sizes,
      learnerConcurrency: pipeline.learnerConcurrency,
      signingThreads:
        typeof clr.signingThreadCount === 'function' ? clr.signingThreadCount() : 'none (libuv pool)',
    };
  } finally {
    await worker.close();
    await obliterateQueues(input.redisUrl, input.prefix);
  }
}

/** Signing inputs (JWS without its signature) of a few stored CLRs and their assertions. */
async function signingSamples(store, limit = 10) {
  const inputs = [];
  for (const learner of await store.versions.listLearners({ limit })) {
    const [latest] = await store.versions.listVersions(learner.learnerRef, { limit: 1 });
    const version = await store.versions.getVersion(latest.id);
    if (typeof version?.signedPayload !== 'string') continue;
    const jws = version.signedPayload;
    const payload = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
    for (const one of [jws, ...(payload.signedAssertions ?? [])])
      inputs.push(one.slice(0, one.lastIndexOf('.')));
  }
  return inputs;
}

/** Mean stored bytes per version: the signed payload and the unsigned JSON. */
async function storedSizes(store, limit = 50) {
  let signed = 0;
  let unsigned = 0;
  let n = 0;
  for (const learner of await store.versions.listLearners({ limit })) {
    const [latest] = await store.versions.listVersions(learner.learnerRef, { limit: 1 });
    const version = await store.versions.getVersion(latest.id);
    signed += Buffer.byteLength(version?.signedPayload ?? '');
    unsigned += Buffer.byteLength(version?.unsignedJson ?? '');
    n += 1;
  }
  return { signed: signed / n, unsigned: unsigned / n };
}

// ---- raw RS256 -----------------------------------------------------------------------------------

function rawThread() {
  const key = crypto.createPrivateKey(workerData.pem);
  const inputs = workerData.inputs.map((text) => Buffer.from(text));
  parentPort.once('message', () => {
    const end = performance.now() + workerData.seconds * 1000;
    const start = performance.now();
    let n = 0;
    while (performance.now() < end) {
      crypto.sign('sha256', inputs[n % inputs.length], key);
      n += 1;
    }
    parentPort.postMessage((n * 1000) / (performance.now() - start));
  });
  parentPort.postMessage('ready');
}

/** Synchronous crypto.sign back to back on `threads` worker threads at once; signatures/s in all. */
async function threadRate(inputs, pem, threads, seconds) {
  const workers = Array.from(
    { length: threads },
    () => new Worker(SELF, { workerData: { raw: true, pem, inputs, seconds } }),
  );
  try {
    await Promise.all(
      workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))),
    );
    const rates = await Promise.all(
      workers.map((w) => {
        const done = new Promise((resolve, reject) => w.once('message', resolve).once('error', reject));
        w.postMessage('go');
        return done;
      }),
    );
    return rates.reduce((sum, rate) => sum + rate, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The callback crypto.sign (libuv pool) with 64 in flight; signatures/s. */
async function poolRate(inputs, key, seconds) {
  const signAsync = promisify(crypto.sign);
  const buffers = inputs.map((text) => Buffer.from(text));
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  const lane = async () => {
    while (performance.now() < end) {
      await signAsync('sha256', buffers[n % buffers.length], key);
      n += 1;
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
  return (n * 1000) / (performance.now() - start);
}

async function rawLimits(inputs, seconds) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const cores = os.availableParallelism();
  await threadRate(inputs, pem, 1, 0.5);
  const single = await threadRate(inputs, pem, 1, seconds);
  const allCores = await threadRate(inputs, pem, cores, seconds);
  const pool = await poolRate(inputs, privateKey, seconds);
  return { single, allCores, pool, cores };
}

// ---- the parent ----------------------------------------------------------------------------------

function runChild(input, heap, cpuProf) {
  const args = [];
  if (heap !== 'default') args.push(`--max-old-space-size=${heap}`);
  if (cpuProf !== undefined) args.push('--cpu-prof', `--cpu-prof-dir=${cpuProf}`);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...args, SELF, '--child', JSON.stringify(input)], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the build child (heap ${heap}) exited with ${code}`));
      else resolve(JSON.parse(fs.readFileSync(input.resultFile, 'utf8')));
    });
  });
}

async function parent(opts) {
  const dist = (...parts) => require(path.join(opts.dist, ...parts));
  const config = dist('libs', 'config', 'src');
  const { generateDemoSis } = dist('libs', 'sis', 'src');
  const { ensureRedis } = dist('apps', 'cli', 'src', 'demo', 'local-redis');
  const base = config.loadConfig({ path: config.DEFAULT_CONFIG_PATH, env: {} });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clr-build-profile-'));
  const redis = await ensureRedis({ url: base.redis.url });
  try {
    note(`generating a demo SIS of ${count(opts.learners)} learners ...`);
    const sisFile = path.join(dir, 'sis.sqlite');
    generateDemoSis({ learners: opts.learners, out: sisFile, seed: 1 });
    const results = [];
    const loadBefore = os.loadavg()[0];
    for (const heap of opts.heaps) {
      note(`full build, heap ${heap} ...`);
      const input = {
        dist: opts.dist,
        sisFile,
        storeFile: path.join(dir, `publisher-${heap}.sqlite`),
        redisUrl: redis.url,
        prefix: `bench-build-${crypto.randomBytes(4).toString('hex')}`,
        batchSize: opts['batch-size'],
        buildConcurrency: opts['build-concurrency'],
        learnerConcurrency: opts['learner-concurrency'],
        signingThreads: opts['signing-threads'],
        resultFile: path.join(dir, `result-${heap}.json`),
      };
      results.push({ heap, ...(await runChild(input, heap, opts.cpuProf)) });
    }
    note(`raw RS256, ${opts['sign-seconds']} s each way ...`);
    const raw = await rawLimits(results[0].samples, opts['sign-seconds']);
    report(opts, results, raw, [loadBefore, os.loadavg()[0]]);
  } finally {
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(opts, results, raw, load) {
  const meanInput = results[0].samples.reduce((sum, s) => sum + s.length, 0) / results[0].samples.length;
  const lines = [
    '',
    `build profile (${path.relative(ROOT, opts.dist) || '.'}), ${new Date().toISOString()}`,
    `node ${process.version}, ${raw.cores} cores, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; ` +
      `${count(opts.learners)} learners, batches of ${opts['batch-size']}, build concurrency ${opts['build-concurrency']}, ` +
      `${results[0].learnerConcurrency} learners at once per batch, signing threads ${results[0].signingThreads}; SQLite store, no delivery targets`,
    // Other processes on the machine take cores from the build and from the raw measurement alike.
    `machine load average (1 min) ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after`,
    `raw RS256 (RSA-2048, ${results[0].samples.length} real signing inputs, mean ${count(Math.round(meanInput))} B): ` +
      `single thread ${raw.single.toFixed(0)}/s, ${raw.cores} threads ${raw.allCores.toFixed(0)}/s, ` +
      `callback sign on the pool ${raw.pool.toFixed(0)}/s`,
  ];
  for (const r of results) {
    const signatures = r.counts.assertionsSigned + r.counts.learnersBuilt;
    const rate = (signatures * 1000) / r.runMs;
    lines.push(
      `heap ${r.heap}: ${count(r.counts.learnersBuilt)} CLRs, ${count(signatures)} signatures in ${(r.runMs / 1000).toFixed(1)} s = ${rate.toFixed(0)}/s; ` +
        `${(rate / raw.single).toFixed(2)} of single-thread raw, ${(rate / raw.allCores).toFixed(2)} of ${raw.cores}-core raw`,
      `  CPU ${r.cpuSeconds.toFixed(1)} s (${(r.cpuSeconds / (r.runMs / 1000)).toFixed(2)} cores), main thread CPU ${r.mainThreadCpu?.toFixed(1) ?? 'n/a'} s, event loop busy ${r.eventLoopBusySeconds.toFixed(1)} s, ` +
        `GC ${r.gcSeconds.toFixed(1)} s; peak RSS ${mb(r.peakRss)}; stored per version: signed ${count(Math.round(r.sizes.signed))} B, unsigned ${count(Math.round(r.sizes.unsigned))} B`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (!isMainThread) {
  if (workerData?.raw) rawThread();
} else if (process.argv[2] === '--child') {
  const input = JSON.parse(process.argv[3]);
  child(input).then(
    (result) => {
      fs.writeFileSync(input.resultFile, JSON.stringify(result));
      process.exit(0);
    },
    (error) => {
      process.stderr.write(`build child failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
} else {
  parent(options(process.argv.slice(2))).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`build profile failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
