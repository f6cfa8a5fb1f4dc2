import { randomUUID } from 'node:crypto';

/** A target's limits as every worker process together must keep them. */
export interface SharedLimits {
  concurrency: number;
  ratePerSecond: number;
  burst: number;
  /**
   * How long a slot is held at most: a process that dies holding one frees it after this long
   * (a live one releases it as soon as its request is done).
   */
  leaseMs: number;
}

/** A slot granted across processes; release it once when the request is done. */
export interface SharedSlot {
  granted: true;
  release: () => Promise<void>;
}

/** Not now: why, and how long to wait before asking again. */
export interface SharedRefusal {
  granted: false;
  /** `paused`: a provider's Retry-After; `rate`: the rate is spent; `busy`: every slot is taken. */
  reason: 'paused' | 'rate' | 'busy';
  retryInMs: number;
}

/**
 * Per-target limits shared by every worker process of a deployment (the in-process
 * `TargetRateLimiter` asks it before starting a request).
 */
export interface SharedTargetLimits {
  acquire(targetId: string, limits: SharedLimits): Promise<SharedSlot | SharedRefusal>;
  /** No process starts a request to the target for the next `ms` (a provider's Retry-After). */
  pause(targetId: string, ms: number): Promise<void>;
}

/** The one Redis command it needs (an ioredis client, or BullMQ's). */
export interface SharedLimitsRedis {
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** How long a process waits before asking again for a slot when all are taken. */
export const BUSY_RETRY_MS = 25;

/*
 * KEYS: pause, active (sorted set of slot tokens by lease end), tat (the rate's theoretical
 * arrival time). ARGV: token, concurrency, ratePerSecond, burst, leaseMs. Redis's own clock, so
 * processes on different hosts agree. The rate is GCRA: each request moves the arrival time on
 * by 1/rate; one may start while the arrival time is at most `burst - 1` intervals ahead of now
 * (compared as such, not as a sum with now: at 10,000/s an interval is 0.1 ms, below what a
 * double holds exactly next to a epoch time in ms).
 * Returns {0, 0} granted, {1, ms} paused, {2, ms} rate spent, {3, 0} every slot taken.
 */
const ACQUIRE = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return {1, paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return {3, 0} end
local interval = 1000 / tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
if tat < now then tat = now end
local wait = tat - now - (tonumber(ARGV[4]) - 1) * interval
if wait > 0 then return {2, math.ceil(wait)} end
tat = tat + interval
redis.call('SET', KEYS[3], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
local lease = tonumber(ARGV[5])
redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[2], lease + 1000)
return {0, 0}
`;

/* KEYS: pause. ARGV: ms. Lengthens the pause, never shortens it. */
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
`;

const REASONS = { 1: 'paused', 2: 'rate', 3: 'busy' } as const;

/**
 * {@link SharedTargetLimits} in Redis: a target's slots in flight are a sorted set of leases, its
 * rate a GCRA arrival time, its pause a key that expires, each changed by one script so two
 * processes never both take the last slot or token. Keys are `{prefix}:target-limits:{id}:*`
 * (one hash slot per target).
 */
export class RedisSharedTargetLimits implements SharedTargetLimits {
  constructor(
    private readonly redis: () => Promise<SharedLimitsRedis>,
    private readonly prefix: string,
  ) {}

  async acquire(targetId: string, limits: SharedLimits): Promise<SharedSlot | SharedRefusal> {
    const redis = await this.redis();
    const keys = this.keys(targetId);
    const token = randomUUID();
    const answer = await redis.eval(
      ACQUIRE,
      3,
      keys.pause,
      keys.active,
      keys.tat,
      token,
      limits.concurrency,
      limits.ratePerSecond,
      limits.burst,
      limits.leaseMs,
    );
    const [code, ms] = Array.isArray(answer) ? answer.map(Number) : [Number.NaN, 0];
    if (code === 0) {
      return {
        granted: true,
        release: async () => {
          await redis.eval("return redis.call('ZREM', KEYS[1], ARGV[1])", 1, keys.active, token);
        },
      };
    }
    if (code === 1 || code === 2 || code === 3) {
      return { granted: false, reason: REASONS[code], retryInMs: code === 3 ? BUSY_RETRY_MS : ms };
    }
    throw new Error(`unexpected answer from the target limits script: ${JSON.stringify(answer)}`);
  }

  async pause(targetId: string, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    const redis = await this.redis();
    await redis.eval(PAUSE, 1, this.keys(targetId).pause, Math.ceil(ms));
  }

  private keys(targetId: string): { pause: string; active: string; tat: string } {
    const base = `${this.prefix}:target-limits:{${targetId}}`;
    return { pause: `${base}:pause`, active: `${base}:active`, tat: `${base}:tat` };
  }
}
