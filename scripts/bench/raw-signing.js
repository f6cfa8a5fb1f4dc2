'use strict';
// The RS256 signing limit of this machine, measured with node:crypto on the very signing inputs
// (JWS `header.payload`) the pipeline signed, with a fresh RSA-2048 key, two ways:
// - `pool`: the asynchronous crypto.sign on libuv's thread pool with many signatures in flight,
//   which is how libs/clr signs (so it uses every core the pool can);
// - `threads`: one worker thread per core, each signing synchronously back to back.
// The limit is the faster of the two.
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { promisify } = require('node:util');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const signAsync = promisify(crypto.sign);

function newKey() {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** Signing inputs of compact JWS: everything before the last dot. */
function signingInputs(jwsList) {
  return jwsList.map((jws) => Buffer.from(jws.slice(0, jws.lastIndexOf('.'))));
}

async function poolRate(inputs, key, seconds, inFlight) {
  let count = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  async function lane() {
    while (performance.now() < end) {
      await signAsync('sha256', inputs[next++ % inputs.length], key);
      count += 1;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (count * 1000) / (performance.now() - start);
}

function threadsRate(inputs, seconds, threads) {
  const pem = newKey().export({ type: 'pkcs8', format: 'pem' });
  const shared = inputs.map((input) => input.toString('latin1'));
  return Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(module.filename, { workerData: { pem, inputs: shared, seconds } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  ).then((rates) => rates.reduce((sum, rate) => sum + rate, 0));
}

if (!isMainThread) {
  const key = crypto.createPrivateKey(workerData.pem);
  const inputs = workerData.inputs.map((text) => Buffer.from(text, 'latin1'));
  const end = performance.now() + workerData.seconds * 1000;
  let count = 0;
  const start = performance.now();
  while (performance.now() < end) {
    crypto.sign('sha256', inputs[count % inputs.length], key);
    count += 1;
  }
  parentPort.postMessage((count * 1000) / (performance.now() - start));
}

/**
 * Measures both ways for `seconds` each (after a short warm-up) and returns
 * `{ pool, threads, limit, how, cores, poolSize }` in signatures per second.
 */
async function measureSigningLimit(jwsList, { seconds = 5, cores = os.availableParallelism() } = {}) {
  const inputs = signingInputs(jwsList);
  const key = newKey();
  await poolRate(inputs, key, 0.5, 64);
  const pool = await poolRate(inputs, key, seconds, 64);
  const threads = await threadsRate(inputs, seconds, cores);
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return {
    pool,
    threads,
    limit: Math.max(pool, threads),
    how:
      pool >= threads
        ? `async crypto.sign, libuv pool of ${poolSize}`
        : `${cores} worker threads, sync crypto.sign`,
    cores,
    poolSize,
    inputs: inputs.length,
    meanInputBytes: Math.round(inputs.reduce((sum, input) => sum + input.length, 0) / inputs.length),
  };
}

module.exports = { measureSigningLimit, signingInputs };
