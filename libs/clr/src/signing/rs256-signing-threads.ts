import { type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isArrayBuffer } from 'node:util/types';
import { Worker } from 'node:worker_threads';

/**
 * What a signing thread runs (plain JavaScript, so it loads the same from dist/ and under jest):
 * batches of `{ id, keyId, key?, input }` in, `[id, signature | error]` pairs out. Synchronous
 * `crypto.sign` back to back: the thread never waits for the main thread between signatures.
 */
const THREAD_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (jobs) => {
  const results = [];
  const spent = [];
  for (const job of jobs) {
    if (job.key !== undefined) keys.set(job.keyId, job.key);
    try {
      results.push([job.id, sign('sha256', job.input, keys.get(job.keyId))]);
    } catch (error) {
      results.push([job.id, undefined, {
        name: error && error.name, message: String(error && error.message !== undefined ? error.message : error),
        code: error && error.code,
      }]);
    }
    if (job.transferred) spent.push(job.input.buffer);
  }
  // Transferred inputs go back with the results: freed by the main thread's collector, they
  // do not pile up here (this thread allocates little, so its collector seldom runs).
  parentPort.postMessage(results, spent);
});
`;

/** At most this many signing threads. */
export const MAX_SIGNING_THREADS = 64;

/** How long a signing thread with nothing to do lives on (it is started again when needed). */
const IDLE_MS = 5_000;

interface Job {
  resolve(signature: Buffer): void;
  reject(error: Error): void;
}

interface SentJob {
  id: number;
  keyId: number;
  key?: KeyObject;
  input: Uint8Array;
  /** The input's buffer moves to the thread (and back with the result). */
  transferred: boolean;
}

type JobResult = [id: number, signature: Uint8Array | undefined, error?: SerializedError];

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
  transfer: Set<ArrayBuffer>;
}

/** One signing thread and the jobs it owes. */
class SigningThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Job>();
  readonly keys = new Set<number>();
  private idleTimer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(private readonly onGone: (thread: SigningThread) => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, name: 'clr-rs256' });
    this.worker.unref();
    this.worker.on('message', (results: JobResult[]) => this.settle(results));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the RS256 signing thread exited with code ${code}`)),
    );
  }

  /** Sends the jobs; throws (owing nothing) when they cannot be sent. */
  post(jobs: SentJob[], owed: [number, Job][], transfer: readonly ArrayBuffer[]): void {
    this.worker.postMessage(jobs, transfer);
    if (this.pending.size === 0) {
      this.worker.ref(); // pending signatures keep the process alive
      if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    for (const [id, job] of owed) this.pending.set(id, job);
  }

  private settle(results: JobResult[]): void {
    for (const [id, signature, error] of results) {
      const job = this.pending.get(id);
      if (job === undefined) continue;
      this.pending.delete(id);
      if (signature !== undefined) {
        job.resolve(Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength));
      } else {
        job.reject(rebuildError(error));
      }
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
  const rebuilt = new Error(error?.message ?? 'RS256 signing failed') as Error & { code?: string };
  if (error?.name !== undefined) rebuilt.name = error.name;
  if (error?.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

/**
 * RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256, what `crypto.sign('sha256', ...)` makes with
 * an RSA key) on dedicated worker threads, `threads` of them, started when first needed and
 * stopped after 5 s without work.
 *
 * Why not the callback `crypto.sign` on libuv's pool: the pool has 4 threads whatever the cores,
 * and with all of them signing on a 2-core machine the main thread (which composes, serialises
 * and stores the CLRs, and which the rest of the build waits for) gets 2 of 5 shares of the
 * cores. Letting fewer signatures into the pool at once does not help: the pool then only gets
 * the next one when the main thread comes round to its event loop, so it idles exactly while the
 * main thread is busy. A signing thread holds its own queue and signs back to back. Jobs
 * submitted in the same tick go to the least busy thread as one message.
 */
export class Rs256SigningThreads {
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
   * The RS256 signature of `input` with `key`; rejects with the signing thread's error. When
   * `input` is the whole of its ArrayBuffer, the buffer is transferred to the thread (detached
   * here), otherwise copied.
   */
  sign(input: Uint8Array, key: KeyObject): Promise<Buffer> {
    let keyId = this.keyIds.get(key);
    if (keyId === undefined) {
      keyId = this.nextKeyId;
      this.nextKeyId += 1;
      this.keyIds.set(key, keyId);
    }
    if (this.batch === undefined) {
      this.batch = { jobs: [], owed: [], keys: new Map(), transfer: new Set() };
      queueMicrotask(() => this.flush());
    }
    const id = this.nextJobId;
    this.nextJobId += 1;
    const buffer = input.buffer;
    const transferred =
      isArrayBuffer(buffer) &&
      input.byteOffset === 0 &&
      input.byteLength === buffer.byteLength &&
      !this.batch.transfer.has(buffer);
    if (transferred) this.batch.transfer.add(buffer);
    this.batch.jobs.push({ id, keyId, input, transferred });
    this.batch.keys.set(keyId, key);
    return new Promise<Buffer>((resolve, reject) => this.batch!.owed.push([id, { resolve, reject }]));
  }

  private flush(): void {
    const batch = this.batch!;
    this.batch = undefined;
    let thread: SigningThread;
    try {
      thread = this.leastBusy();
      // A thread is sent each key once, with the first job that needs it.
      for (const [keyId, key] of batch.keys) {
        if (thread.keys.has(keyId)) continue;
        batch.jobs.find((job) => job.keyId === keyId)!.key = key;
        thread.keys.add(keyId);
      }
      thread.post(batch.jobs, batch.owed, [...batch.transfer]);
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

/** Signing threads by default: one core fewer than the machine has, at least one. */
export const DEFAULT_SIGNING_THREADS = Math.max(1, availableParallelism() - 1);
