import { type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * What a signing thread runs (plain JavaScript, so it loads the same from dist/ and under jest):
 * batches of `{ id, keyId, key?, header, json }` in, `[id, jws | undefined, error?]` out. For
 * each job it encodes the payload (UTF-8, base64url), signs `header.payload` with RS256
 * (synchronous `crypto.sign`, back to back: it never waits for the main thread between
 * signatures) and returns the compact JWS. The byte work goes through two scratch buffers that
 * only grow, so it leaves no garbage outside the heap for this thread's seldom-running
 * collector to find.
 */
const THREAD_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
let text = Buffer.allocUnsafeSlow(1 << 16);
let input = Buffer.allocUnsafeSlow(1 << 16);
const atLeast = (buffer, size) => (buffer.length >= size ? buffer : Buffer.allocUnsafeSlow(Math.max(size, buffer.length * 2)));
parentPort.on('message', (jobs) => {
  const results = [];
  for (const job of jobs) {
    if (job.key !== undefined) keys.set(job.keyId, job.key);
    try {
      text = atLeast(text, job.json.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
      const body = text.toString('base64url', 0, text.write(job.json, 0, 'utf8'));
      const size = job.header.length + 1 + body.length;
      input = atLeast(input, size);
      input.write(job.header, 0, 'latin1');
      input[job.header.length] = 0x2e;
      input.write(body, job.header.length + 1, 'latin1');
      const signature = sign('sha256', input.subarray(0, size), keys.get(job.keyId));
      results.push([job.id, job.header + '.' + body + '.' + signature.toString('base64url')]);
    } catch (error) {
      results.push([job.id, undefined, {
        name: error && error.name,
        message: String(error && error.message !== undefined ? error.message : error),
        code: error && error.code,
      }]);
    }
  }
  parentPort.postMessage(results);
});
`;

/** At most this many signing threads. */
export const MAX_SIGNING_THREADS = 64;

/**
 * Signing threads by default: one per core. The thread that composes and stores CLRs shares the
 * cores with them: it waits for signatures and the store often enough that one core fewer left a
 * core idle (measured on 2 cores: 0.23 of the raw RS256 limit with one signing thread, 0.25 to
 * 0.31 with two).
 */
export const DEFAULT_SIGNING_THREADS = Math.max(1, availableParallelism());

/** How long a signing thread with nothing to do lives on (it is started again when needed). */
const IDLE_MS = 5_000;

interface Job {
  resolve(jws: string): void;
  reject(error: Error): void;
}

interface SentJob {
  id: number;
  keyId: number;
  /** Sent with a thread's first job for the key. */
  key?: KeyObject;
  header: string;
  json: string;
}

type JobResult = [id: number, jws: string | undefined, error?: SerializedError];

interface SerializedError {
  name?: string;
  message: string;
  code?: string;
}

/** Jobs asked for in one tick, sent as one message. */
interface Batch {
  jobs: SentJob[];
  owed: [number, Job][];
  keys: Map<number, KeyObject>;
}

/** One signing thread and the jobs it owes. */
class SigningThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Job>();
  readonly keys = new Set<number>();
  private idleTimer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(private readonly onGone: (thread: SigningThread) => void) {
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      name: 'clr-jws-signing',
      // Everything it allocates is garbage within one message: a small young generation is
      // collected often and cheaply instead of growing (tens of MB of peak RSS otherwise).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.worker.unref();
    this.worker.on('message', (results: JobResult[]) => this.settle(results));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the JWS signing thread exited with code ${code}`)));
  }

  /** Sends the jobs; throws (owing nothing) when they cannot be sent. */
  post(jobs: SentJob[], owed: [number, Job][]): void {
    this.worker.postMessage(jobs);
    if (this.pending.size === 0) {
      this.worker.ref(); // pending signatures keep the process alive
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    for (const [id, job] of owed) this.pending.set(id, job);
  }

  private settle(results: JobResult[]): void {
    for (const [id, jws, error] of results) {
      const job = this.pending.get(id);
      if (job === undefined) continue;
      this.pending.delete(id);
      if (jws !== undefined) job.resolve(jws);
      else job.reject(rebuildError(error));
    }
    if (this.pending.size === 0) {
      this.worker.unref();
      this.idleTimer = setTimeout(() => {
        if (this.pending.size > 0) return;
        this.leave(); // before terminating: no new work may be posted to it
        void this.worker.terminate();
      }, IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private fail(error: Error): void {
    this.leave();
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  private leave(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.gone) return;
    this.gone = true;
    this.onGone(this);
  }
}

function rebuildError(error: SerializedError | undefined): Error {
  const rebuilt = new Error(error?.message ?? 'JWS signing failed') as Error & { code?: string };
  if (error?.name !== undefined) rebuilt.name = error.name;
  if (error?.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

/**
 * Compact JWS with RS256 (RSASSA-PKCS1-v1_5 with SHA-256, what `crypto.sign('sha256', ...)`
 * makes with an RSA key) made on dedicated worker threads, `threads` of them, started when first
 * needed and stopped after 5 s without work. Jobs asked for in the same tick go to the least
 * busy thread as one message.
 *
 * Why not the callback `crypto.sign` on libuv's pool: the pool has 4 threads whatever the cores,
 * and with all of them signing on a 2-core machine the main thread (which composes, serialises
 * and stores the CLRs, and which the rest of the build waits for) gets 2 of 5 shares of the
 * cores. Letting fewer signatures into the pool at once does not help: the pool then only gets
 * the next one when the main thread comes round to its event loop, so it idles exactly while the
 * main thread is busy. A signing thread holds its own queue and signs back to back; it also does
 * the payload's UTF-8 and base64url encoding, which would otherwise be the main thread's.
 */
export class JwsSigningThreads {
  private readonly threads: SigningThread[] = [];
  private readonly keyIds = new WeakMap<KeyObject, number>();
  private nextKeyId = 1;
  private nextJobId = 1;
  private batch: Batch | undefined;

  constructor(private readonly threadCount: number) {
    if (!Number.isInteger(threadCount) || threadCount < 1 || threadCount > MAX_SIGNING_THREADS) {
      throw new RangeError(
        `the signing thread count must be an integer from 1 to ${MAX_SIGNING_THREADS}, not ${String(threadCount)}`,
      );
    }
  }

  /** Threads it signs on. */
  get size(): number {
    return this.threadCount;
  }

  /**
   * The compact JWS `header.payload.signature` of the payload JSON `json` (UTF-8 encoded) under
   * the base64url-encoded protected header `header`, signed with RS256 by `key`. Rejects with
   * the signing thread's error.
   */
  sign(header: string, json: string, key: KeyObject): Promise<string> {
    let keyId = this.keyIds.get(key);
    if (keyId === undefined) {
      keyId = this.nextKeyId;
      this.nextKeyId += 1;
      this.keyIds.set(key, keyId);
    }
    let batch = this.batch;
    if (batch === undefined) {
      batch = { jobs: [], owed: [], keys: new Map() };
      this.batch = batch;
      queueMicrotask(() => this.flush());
    }
    const id = this.nextJobId;
    this.nextJobId += 1;
    batch.jobs.push({ id, keyId, header, json });
    batch.keys.set(keyId, key);
    const owed = batch.owed;
    return new Promise<string>((resolve, reject) => owed.push([id, { resolve, reject }]));
  }

  private flush(): void {
    const batch = this.batch!;
    this.batch = undefined;
    try {
      const thread = this.leastBusy();
      // A thread is sent each key once, with the first job that needs it.
      const sent: number[] = [];
      for (const [keyId, key] of batch.keys) {
        if (thread.keys.has(keyId)) continue;
        batch.jobs.find((job) => job.keyId === keyId)!.key = key;
        sent.push(keyId);
      }
      thread.post(batch.jobs, batch.owed);
      for (const keyId of sent) thread.keys.add(keyId);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const [, job] of batch.owed) job.reject(failure);
    }
  }

  private leastBusy(): SigningThread {
    if (this.threads.length < this.threadCount) {
      const idle = this.threads.find((thread) => thread.pending.size === 0);
      if (idle !== undefined) return idle;
      const thread = new SigningThread((gone) => {
        const at = this.threads.indexOf(gone);
        if (at >= 0) this.threads.splice(at, 1);
      });
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((best, thread) => (thread.pending.size < best.pending.size ? thread : best));
  }
}
