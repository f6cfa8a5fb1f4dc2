import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { type ClrMetrics, type MetricsJson } from './clr-metrics';

/**
 * The Redis commands snapshots need (an ioredis client satisfies it). One hash per deployment,
 * so it lives in one Redis Cluster slot.
 */
export interface SnapshotRedis {
  hset(key: string, field: string, value: string): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;
}

/** The hash holding every process's latest snapshot, under the deployment's Redis prefix. */
export function snapshotKey(prefix: string): string {
  return `${prefix}:metrics:snapshots`;
}

interface Snapshot {
  /** When it was taken, epoch ms. */
  at: number;
  metrics: MetricsJson;
}

/** A name for this process in the snapshot hash: host, pid and a random suffix. */
export function processInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface SnapshotPublisherOptions {
  redis: SnapshotRedis;
  /** The deployment's Redis key prefix (config `redis.prefix`). */
  prefix: string;
  /** How often to publish, ms; default 10000. */
  intervalMs?: number;
  instanceId?: string;
  /** Told about a failed publish (Redis down); the next tick tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Publishes a process's work metrics (runs, learners, signatures, deliveries, stage times) to Redis every few seconds, so the api's
 * `/metrics` can serve what workers counted without workers listening on HTTP. A worker that
 * stops publishing drops out after the reader's staleness window; Prometheus reads the drop in
 * its counters as a counter reset, which `rate()` and `increase()` handle.
 */
export class MetricsSnapshotPublisher {
  readonly instanceId: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly metrics: ClrMetrics,
    private readonly options: SnapshotPublisherOptions,
  ) {
    this.instanceId = options.instanceId ?? processInstanceId();
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  /** Publishes now, then every interval (the timer does not keep the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      this.publish().catch((error: unknown) => this.options.onError?.(error));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and publishes a last snapshot (best effort). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.publish().catch((error: unknown) => this.options.onError?.(error));
  }

  async publish(): Promise<void> {
    const snapshot: Snapshot = { at: Date.now(), metrics: await this.metrics.workMetricsJson() };
    await this.options.redis.hset(
      snapshotKey(this.options.prefix),
      this.instanceId,
      JSON.stringify(snapshot),
    );
  }
}

export interface SnapshotReaderOptions {
  redis: SnapshotRedis;
  prefix: string;
  /** Snapshots older than this are ignored and removed, ms; default 60000. */
  staleAfterMs?: number;
}

function isSnapshot(value: unknown): value is Snapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Snapshot).at === 'number' &&
    Array.isArray((value as Snapshot).metrics)
  );
}

/** Reads the other processes' snapshots (the api, at each scrape). */
export class MetricsSnapshotReader {
  private readonly staleAfterMs: number;

  constructor(private readonly options: SnapshotReaderOptions) {
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
  }

  /** The fresh snapshots' metrics; stale or unreadable entries are deleted. */
  async read(now = Date.now()): Promise<MetricsJson[]> {
    const key = snapshotKey(this.options.prefix);
    const entries = await this.options.redis.hgetall(key);
    const fresh: MetricsJson[] = [];
    const stale: string[] = [];
    for (const [field, text] of Object.entries(entries)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (isSnapshot(parsed) && now - parsed.at <= this.staleAfterMs) fresh.push(parsed.metrics);
      else stale.push(field);
    }
    if (stale.length > 0) await this.options.redis.hdel(key, ...stale);
    return fresh;
  }
}
