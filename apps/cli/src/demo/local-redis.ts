import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { redisConnectionOptions } from '@app/jobs';
import { freePort, isLoopbackHost } from './free-port';

/** What a Redis probe found. */
export type RedisProbe =
  | { state: 'up' }
  /** Nothing listens there (refused, timed out, unknown host). */
  | { state: 'down'; reason: string }
  /** Something answers but refuses us (a password, a TLS mismatch ...). */
  | { state: 'refused'; reason: string };

/** A Redis the demo uses: the configured one, or one it started. */
export interface DemoRedis {
  url: string;
  /** `host:port` (never the password). */
  address: string;
  /** True when the demo started it (and `stop()` ends it). */
  started: boolean;
  stop(): Promise<void>;
}

/** Why the demo cannot get a Redis: exit 2 with {@link RedisUnavailableError.message}. */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** `host:port` of a Redis URL, without user or password. */
export function redisAddress(url: string): string {
  const options = redisConnectionOptions(url);
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/** One RESP command as Redis reads it. */
function command(...parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
}

/**
 * Connects once and sends PING (after AUTH when the URL has a password); never retries, never
 * throws. A plain socket rather than a Redis client: one exchange, nothing left running after.
 */
export function probeRedis(url: string, timeoutMs = 1500): Promise<RedisProbe> {
  const options = redisConnectionOptions(url);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 6379;
  return new Promise<RedisProbe>((resolve) => {
    const socket: Socket =
      options.tls !== undefined ? tlsConnect({ host, port, servername: host }) : connect({ host, port });
    let connected = false;
    let answers = '';
    const done = (probe: RedisProbe): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(
      () =>
        done(
          connected
            ? { state: 'refused', reason: `it did not answer PING within ${timeoutMs} ms` }
            : { state: 'down', reason: `no connection within ${timeoutMs} ms` },
        ),
      timeoutMs,
    );
    socket.once('error', (error) => done({ state: connected ? 'refused' : 'down', reason: describe(error) }));
    socket.once(options.tls !== undefined ? 'secureConnect' : 'connect', () => {
      connected = true;
      const auth =
        options.password !== undefined
          ? command('AUTH', ...(options.username !== undefined ? [options.username] : []), options.password)
          : '';
      socket.write(`${auth}${command('PING')}`);
    });
    socket.on('data', (chunk: Buffer) => {
      answers += chunk.toString('utf8');
      const lines = answers.split('\r\n').filter((line) => line !== '');
      const error = lines.find((line) => line.startsWith('-'));
      if (error !== undefined) done({ state: 'refused', reason: error.slice(1, 200) });
      else if (lines.includes('+PONG')) done({ state: 'up' });
    });
  });
}

export interface EnsureRedisOptions {
  /** The configured Redis URL. */
  url: string;
  /** The server to start when nothing answers; default `redis-server` (found on the PATH). */
  executable?: string;
  /** How long a started server may take to answer, ms. Default 10 000. */
  startTimeoutMs?: number;
}

/**
 * The Redis the demo runs on: the configured one when it answers; otherwise, when that is a
 * loopback address and `redis-server` is on the PATH, a private one started for this run (a
 * temp folder, a free loopback port, no persistence) that `stop()` ends. Anything else is a
 * {@link RedisUnavailableError} saying what is missing and how to get it.
 */
export async function ensureRedis(options: EnsureRedisOptions): Promise<DemoRedis> {
  const address = redisAddress(options.url);
  const probe = await probeRedis(options.url);
  if (probe.state === 'up') {
    return { url: options.url, address, started: false, stop: () => Promise.resolve() };
  }
  if (probe.state === 'refused') {
    throw new RedisUnavailableError(
      `Redis at ${address} answers but cannot be used (${probe.reason}); fix redis.url / REDIS_URL`,
    );
  }
  const host = redisConnectionOptions(options.url).host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new RedisUnavailableError(
      `the demo needs Redis: nothing answers at ${address} (${probe.reason}); start it, or set REDIS_URL to a Redis that answers`,
    );
  }
  const started = await startRedisServer(options.executable ?? 'redis-server', options.startTimeoutMs);
  if (started === 'not-found') {
    throw new RedisUnavailableError(
      `the demo needs Redis: nothing answers at ${address} (${probe.reason}) and no redis-server is on the PATH; ` +
        'install Redis (e.g. `apt-get install redis-server` or `brew install redis`) so the demo can start one ' +
        'itself, or start one and set REDIS_URL',
    );
  }
  return started;
}

/**
 * Starts `redis-server` on a free loopback port in a temp folder, without persistence;
 * `not-found` when there is no such executable.
 */
export async function startRedisServer(
  executable: string,
  timeoutMs = 10_000,
): Promise<DemoRedis | 'not-found'> {
  const dir = mkdtempSync(join(tmpdir(), 'clr-demo-redis-'));
  const port = await freePort('127.0.0.1');
  const child = spawn(
    executable,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError = error;
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      if (spawnError.code === 'ENOENT') return 'not-found';
      throw new RedisUnavailableError(
        `${executable} could not be started (${spawnError.code ?? spawnError.message})`,
      );
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new RedisUnavailableError(
        `redis-server (${executable}) exited at start${stderr.trim() === '' ? '' : `: ${lastLine(stderr)}`}`,
      );
    }
    if ((await probeRedis(url, 500)).state === 'up') break;
    if (Date.now() > deadline) {
      await stop();
      throw new RedisUnavailableError(`redis-server (${executable}) did not answer within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, address: `127.0.0.1:${port}`, started: true, stop };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function describe(error: unknown): string {
  // Not `instanceof Error`: errors from another realm (a test runner's sandbox) are objects too.
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(error);
  return text.split('\n')[0].slice(0, 200);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1].slice(0, 300);
}
