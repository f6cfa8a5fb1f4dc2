import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, loadConfig, sisSourceSchema, storeSchema } from '@app/config';
import { JobProducer, QueueName } from '@app/jobs';
import { redisConnectionOptions } from '@app/jobs';
import { MemoryKeyResolver } from '@app/clr';
import {
  BuildBatchJob,
  PublicationUrls,
  RevocationListService,
  SigningKeyService,
  SyncRunService,
} from '@app/publishing';
import { type DemoSisSummary, generateDemoSis } from '@app/sis';
import { PublisherStore } from '@app/store';
import { Queue } from 'bullmq';
import { type RunningWorker, startWorker } from '../src';

/** A demo SIS, a SQLite store and a worker consuming queues under a prefix of its own. */
export interface PipelineHarness {
  dir: string;
  sisFile: string;
  demo: DemoSisSummary;
  config: AppConfig;
  prefix: string;
  worker: RunningWorker;
  runs: SyncRunService;
  keys: SigningKeyService;
  revocations: RevocationListService;
  urls: PublicationUrls;
  store: PublisherStore;
  producer: JobProducer;
  builds: BuildBatchJob;
  /** A resolver holding every published key document and revocation list, as the public endpoints serve them. */
  resolver(): Promise<MemoryKeyResolver>;
  close(): Promise<void>;
}

/** The embedded demo configuration pointed at temp files and a unique queue prefix. */
export function pipelineConfig(sisFile: string, storeFile: string, prefix: string): AppConfig {
  const base = loadConfig({ path: 'config/default.yaml', env: {} });
  return {
    ...base,
    sis: {
      sources: [sisSourceSchema.parse({ name: 'demo', driver: 'sqlite', connection: { file: sisFile } })],
    },
    store: storeSchema.parse({ driver: 'sqlite', file: storeFile }),
    redis: { ...base.redis, prefix },
    pipeline: { ...base.pipeline, batchSize: 25 },
  };
}

export function uniquePrefix(name: string): string {
  return `clrt-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface StartPipelineOptions {
  seed?: number;
  /** Queues this harness's worker consumes; default all. */
  queues?: readonly QueueName[];
  /** Changes to the configuration (e.g. CASE settings). */
  configure?: (config: AppConfig) => AppConfig;
}

export async function startPipeline(
  name: string,
  learners: number,
  options: StartPipelineOptions = {},
): Promise<PipelineHarness> {
  const seed = options.seed ?? 7;
  const dir = mkdtempSync(join(tmpdir(), `clr-pipeline-${name}-`));
  const sisFile = join(dir, 'sis.sqlite');
  const demo = generateDemoSis({ learners, out: sisFile, seed, defects: true });
  const prefix = uniquePrefix(name);
  const base = pipelineConfig(sisFile, join(dir, 'publisher.sqlite'), prefix);
  const config = options.configure === undefined ? base : options.configure(base);
  const worker = await startWorker({ config, migrations: 'apply', logger: false, queues: options.queues });
  const app = worker.app;
  const keys = app.get(SigningKeyService);
  const revocations = app.get(RevocationListService);
  const urls = app.get(PublicationUrls);
  const store = app.get(PublisherStore);
  return {
    dir,
    sisFile,
    demo,
    config,
    prefix,
    worker,
    runs: app.get(SyncRunService),
    keys,
    revocations,
    urls,
    store,
    producer: app.get(JobProducer),
    builds: app.get(BuildBatchJob),
    async resolver() {
      const resolver = new MemoryKeyResolver();
      for (const key of await keys.keyDocuments()) resolver.addKey(key);
      const owners = new Set((await store.keyOwners.list()).map((owner) => owner.ownerId));
      for (const owner of owners) {
        const list = await revocations.document(urls.revocationListId(owner));
        if (list !== null) resolver.addRevocationList(list);
      }
      return resolver;
    },
    async close() {
      await worker.close();
      await obliterate(prefix, config.redis.url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes every queue of a test prefix from Redis. */
export async function obliterate(prefix: string, redisUrl: string): Promise<void> {
  for (const name of Object.values(QueueName)) {
    const queue = new Queue(name, { connection: redisConnectionOptions(redisUrl), prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}
