import { SisReaders } from '@app/sis';
import { PublisherStore } from '@app/store';
import { Injectable, Logger } from '@nestjs/common';
import { loggableError } from '@app/observability';
import { OpsRedis } from './ops-redis';

/** One dependency's state. No hosts, URLs or driver messages: the log has those. */
export interface CheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why it is down: it did not answer in time, or it answered with an error. */
  error?: 'timeout' | 'unavailable';
}

export interface HealthReport {
  status: 'up' | 'down';
  checks: {
    /** The publisher's own database: `SELECT 1`. */
    store: CheckResult;
    /** Redis (queues): `PING`. */
    redis: CheckResult;
    /** Each configured SIS source by name: `SELECT 1` through its reader. */
    sis: Record<string, CheckResult>;
  };
}

/** Injection token of the per-check timeout (ms). */
export const HEALTH_TIMEOUT_MS = Symbol('HEALTH_TIMEOUT_MS');

class CheckTimeout extends Error {}

/** Checks every dependency at once, each with a timeout, and never throws. */
@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly store: PublisherStore,
    private readonly readers: SisReaders,
    private readonly redis: OpsRedis,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<HealthReport> {
    const sources = this.readers.all();
    const [store, redis, ...sis] = await Promise.all([
      this.probe('store', () => this.store.dataSource.query('SELECT 1')),
      this.probe('redis', async () => (await this.redis.ready(this.timeoutMs)).ping()),
      ...sources.map((reader) => this.probe(`sis:${reader.name}`, () => reader.ping())),
    ]);
    const report: HealthReport = {
      status: 'up',
      checks: {
        store,
        redis,
        sis: Object.fromEntries(sources.map((reader, index) => [reader.name, sis[index]])),
      },
    };
    if ([store, redis, ...sis].some((result) => result.status === 'down')) report.status = 'down';
    return report;
  }

  private async probe(name: string, work: () => Promise<unknown>): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new CheckTimeout()), this.timeoutMs);
        }),
      ]);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      const timedOut = error instanceof CheckTimeout;
      this.logger.warn(
        { check: name, err: timedOut ? undefined : loggableError(error) },
        `health: ${name} is down`,
      );
      return {
        status: 'down',
        latencyMs: Math.round(performance.now() - started),
        error: timedOut ? 'timeout' : 'unavailable',
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
