import { randomUUID } from 'node:crypto';

/** A target's limits as every worker process together must keep them. */
export interface SharedLimits {
  concurrency: number;
  ratePerSecond: number;
  burst: number;
  /**
   * How long a slot stays taken without news from its holder: a live holder renews it every
   * third of this, so only a process that died (or lost Redis) frees its slot this late.
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

/** How long a process refused for lack of a slot has the next free one kept for it. */
const CLAIM_MS = 8 * BUSY_RETRY_MS;

/** Redis's clock in ms, to the microsecond (processes on different hosts agree on it). */
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
`;

/*
 * The lease set (`leases`) lives as long as its latest lease: a shorter lease never cuts an older
 * one short.
 */
const KEEP_LEASES = `
local latest = redis.call('ZRANGE', leases, -1, -1, 'WITHSCORES')
if latest[2] then redis.call('PEXPIRE', leases, math.ceil(tonumber(latest[2]) - now) + 1000) end
`;

/*
 * KEYS: pause, active (slot tokens by lease end), tat (the rate's theoretical arrival time),
 * claim (the process waiting longest for a slot). ARGV: token, concurrency, ratePerSecond, burst,
 * leaseMs, the asking process.
 * Slots: when all are taken, the first process refused claims the next free one (for CLAIM_MS,
 * renewed while it keeps asking), so a process that releases and asks again at once cannot keep
 * a busy target's slots from the others.
 * Rate: GCRA; each request moves the arrival time on by 1/rate, and one may start while it is at
 * most `burst - 1` intervals ahead of now.
 * Returns {0, 0} granted, {1, ms} paused, {2, ms} rate spent, {3, 0} no slot free for it.
 */
const ACQUIRE = `${NOW}
local leases = KEYS[2]
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return {1, paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local claim = redis.call('GET', KEYS[4])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  if not claim or claim == ARGV[6] then redis.call('SET', KEYS[4], ARGV[6], 'PX', ${CLAIM_MS}) end
  return {3, 0}
end
if claim and claim ~= ARGV[6] then return {3, 0} end
local interval = 1000 / tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
if tat < now then tat = now end
local wait = tat - now - (tonumber(ARGV[4]) - 1) * interval
if wait > 0 then return {2, math.ceil(wait)} end
tat = tat + interval
redis.call('SET', KEYS[3], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[1])
if claim then redis.call('DEL', KEYS[4]) end
${KEEP_LEASES}
return {0, 0}
`;

/* KEYS: active. ARGV: token, leaseMs. Renews a slot still held (one that lapsed stays gone). */
const RENEW = `${NOW}
local leases = KEYS[1]
if redis.call('ZADD', leases, 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  ${KEEP_LEASES}
end
return 0
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
 * {@link SharedTargetLimits} in Redis: a target's slots in flight are a sorted set of leases
 * (renewed while held), its rate a GCRA arrival time, its pause a key that expires, each changed
 * by one script so two processes never both take the last slot or token. Keys are
 * `{prefix}:target-limits:{id}:*` (one hash slot per target).
 */
export class RedisSharedTargetLimits implements SharedTargetLimits {
  /** This process, for its claim on a busy target's next free slot. */
  private readonly processId = randomUUID();

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
      4,
      keys.pause,
      keys.active,
      keys.tat,
      keys.claim,
      token,
      limits.concurrency,
      limits.ratePerSecond,
      limits.burst,
      limits.leaseMs,
      this.processId,
    );
    const [code, ms] = Array.isArray(answer) ? answer.map(Number) : [Number.NaN, 0];
    if (code === 0) return this.slot(redis, keys.active, token, limits.leaseMs);
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

  /** A granted slot, its lease renewed every third of it until released. */
  private slot(redis: SharedLimitsRedis, active: string, token: string, leaseMs: number): SharedSlot {
    // A failed renewal is tried again at the next; the lease only lapses if all of them fail.
    const renewal = setInterval(
      () => {
        redis.eval(RENEW, 1, active, token, leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    return {
      granted: true,
      release: async () => {
        clearInterval(renewal);
        await redis.eval("return redis.call('ZREM', KEYS[1], ARGV[1])", 1, active, token);
      },
    };
  }

  private keys(targetId: string): { pause: string; active: string; tat: string; claim: string } {
    const base = `${this.prefix}:target-limits:{${targetId}}`;
    return {
      pause: `${base}:pause`,
      active: `${base}:active`,
      tat: `${base}:tat`,
      claim: `${base}:claim`,
    };
  }
}
