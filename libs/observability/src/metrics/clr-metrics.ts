import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  type DeliveryOutcome,
  type LearnerBuildOutcome,
  METRIC_NAMES,
  QUEUE_STATES,
  type QueueState,
  STAGE_BUCKETS,
  type Stage,
} from './metric-names';

/** What the queue gauges read: a BullMQ `Queue` satisfies it. */
export interface QueueDepthSource {
  readonly name: string;
  getJobCounts(...states: QueueState[]): Promise<Record<string, number>>;
}

/** Metrics as `Registry.getMetricsAsJSON()` returns them (the form snapshots travel in). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export interface ClrMetricsOptions {
  /** Add Node's process metrics (memory, CPU, event loop); default false. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for one queue's counts, ms; default 2000. */
  queueTimeoutMs?: number;
}

interface QueueReading {
  name: string;
  counts?: Record<string, number>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The publisher's Prometheus metrics on their own registries (never prom-client's global one, so
 * several apps in one process, as in tests, do not collide). One instance per process: the api
 * serves it at `/metrics`; a worker publishes snapshots of its work metrics (see
 * MetricsSnapshotPublisher), which the api sums into its own at each scrape. Labels carry
 * statuses, outcomes, stages, queue and target names only: never a learner.
 */
export class ClrMetrics {
  /** Work counters and histograms: summed across processes. */
  private readonly work = new Registry();
  /** This process's view: queue depths (the same for every process) and Node's own metrics. */
  private readonly local = new Registry();
  private readonly runs: Counter<'status'>;
  private readonly learners: Counter<'outcome'>;
  private readonly signed: Counter;
  private readonly deliveries: Counter<'outcome' | 'target'>;
  private readonly stages: Histogram<'stage'>;
  private readonly auditFailures: Counter;
  private queues: readonly QueueDepthSource[] = [];
  private reading: Promise<QueueReading[]> | undefined;
  private readonly queueTimeoutMs: number;

  constructor(options: ClrMetricsOptions = {}) {
    const registers = [this.work];
    this.queueTimeoutMs = options.queueTimeoutMs ?? 2000;
    this.runs = new Counter({
      name: METRIC_NAMES.runs,
      help: 'Sync runs that reached a status',
      labelNames: ['status'],
      registers,
    });
    this.learners = new Counter({
      name: METRIC_NAMES.learnersBuilt,
      help: 'Learners whose CLR build finished, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.signed = new Counter({ name: METRIC_NAMES.clrsSigned, help: 'CLRs signed', registers });
    this.deliveries = new Counter({
      name: METRIC_NAMES.deliveries,
      help: 'Delivery attempts that ended, by outcome and target',
      labelNames: ['outcome', 'target'],
      registers,
    });
    this.stages = new Histogram({
      name: METRIC_NAMES.stageDuration,
      help: 'Duration of one unit of work per stage (extract: a run, build: a batch, deliver: a post)',
      labelNames: ['stage'],
      buckets: [...STAGE_BUCKETS],
      registers,
    });
    this.auditFailures = new Counter({
      name: METRIC_NAMES.auditFailures,
      help: 'Audit entries that could not be written',
      registers,
    });
    // Both gauges read the same counts per scrape: the registry collects metrics in parallel.
    const read = (): Promise<QueueReading[]> => (this.reading ??= this.readQueues());
    new Gauge({
      name: METRIC_NAMES.queueJobs,
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.local],
      async collect() {
        const readings = await read();
        this.reset();
        for (const { name, counts } of readings) {
          if (counts === undefined) continue;
          for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: METRIC_NAMES.queueUp,
      help: 'Whether the last scrape could read the queue counts (1) or not (0)',
      labelNames: ['queue'],
      registers: [this.local],
      async collect() {
        const readings = await read();
        this.reset();
        for (const { name, counts } of readings) this.set({ queue: name }, counts === undefined ? 0 : 1);
      },
    });
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.local });
  }

  /** Queues whose depths are read at each scrape (the api's; workers need not). */
  watchQueues(queues: readonly QueueDepthSource[]): void {
    this.queues = queues;
  }

  /** A run reached `status`. */
  recordRun(status: string): void {
    this.runs.inc({ status });
  }

  /** One learner's build finished. */
  recordLearnerBuilt(outcome: LearnerBuildOutcome, count = 1): void {
    this.learners.inc({ outcome }, count);
  }

  /** CLRs signed (one per stored version). */
  recordClrsSigned(count = 1): void {
    this.signed.inc(count);
  }

  /** One delivery attempt to `target` (its configured name) ended. */
  recordDelivery(outcome: DeliveryOutcome, target: string): void {
    this.deliveries.inc({ outcome, target });
  }

  /** Records a finished stage's duration in seconds. */
  observeStage(stage: Stage, seconds: number): void {
    this.stages.observe({ stage }, seconds);
  }

  /** Starts timing a stage; call the returned function when it ends (returns the seconds). */
  startStage(stage: Stage): () => number {
    return this.stages.startTimer({ stage });
  }

  /** Times `work` as `stage`, whether it resolves or throws. */
  async timeStage<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const end = this.startStage(stage);
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** An audit entry could not be written. */
  recordAuditFailure(): void {
    this.auditFailures.inc();
  }

  /** The work metrics as JSON: what a worker's snapshot carries. */
  workMetricsJson(): Promise<MetricsJson> {
    return this.work.getMetricsAsJSON();
  }

  /** Content type of {@link render}'s text. */
  get contentType(): string {
    return this.work.contentType;
  }

  /**
   * The Prometheus text exposition: this process's work metrics summed with other processes'
   * snapshots (counters and histograms add up; a metric only one process has passes as it is),
   * then the queue depths read now and, when enabled, Node's process metrics.
   */
  async render(others: readonly MetricsJson[] = []): Promise<string> {
    const work =
      others.length === 0
        ? this.work
        : AggregatorRegistry.aggregate([await this.work.getMetricsAsJSON(), ...others]);
    const [workText, localText] = await Promise.all([work.metrics(), this.local.metrics()]);
    return `${workText.trimEnd()}\n\n${localText}`;
  }

  private async readQueues(): Promise<QueueReading[]> {
    try {
      return await Promise.all(
        this.queues.map(async (queue): Promise<QueueReading> => {
          try {
            return {
              name: queue.name,
              counts: await withTimeout(queue.getJobCounts(...QUEUE_STATES), this.queueTimeoutMs),
            };
          } catch {
            return { name: queue.name };
          }
        }),
      );
    } finally {
      // Next scrape reads afresh (this one's gauges have all awaited the same promise).
      setImmediate(() => (this.reading = undefined));
    }
  }
}
