import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, storeSchema } from '@app/config';
import { PublishingModule, SyncRunConflictError, SyncRunService } from '@app/publishing';
import { generateDemoSis } from '@app/sis';
import { describeWithService } from '@app/testing';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { obliterate, pipelineConfig, uniquePrefix } from '../../test/pipeline-harness';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const SCHEMA = `clr_trigger_${process.pid}`;

async function pg(sql: string): Promise<void> {
  const client = new Client(PG);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Two app contexts (two "processes": own pools, own Redis clients) on one PostgreSQL store. */
describeWithService('postgres', 'sync run triggers on PostgreSQL', () => {
  let dir: string;
  let config: AppConfig;
  let apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    await pg(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE; CREATE SCHEMA "${SCHEMA}"`);
    dir = mkdtempSync(join(tmpdir(), 'clr-trigger-pg-'));
    const sisFile = generateDemoSis({ learners: 5, out: join(dir, 'sis.sqlite') }).file;
    config = {
      ...pipelineConfig(sisFile, join(dir, 'unused.sqlite'), uniquePrefix('trigger-pg')),
      store: storeSchema.parse({
        driver: 'postgres',
        connection: { host: PG.host, database: PG.database, user: PG.user, schema: SCHEMA },
      }),
    };
    for (const migrations of ['apply', 'verify'] as const) {
      apps.push(
        await NestFactory.createApplicationContext(PublishingModule.forApp(config, { migrations }), {
          logger: false,
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await obliterate(config.redis.prefix, config.redis.url);
    await pg(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts exactly one run however many processes trigger a source at once', async () => {
    const services = apps.map((app) => app.get(SyncRunService));
    for (let round = 0; round < 5; round += 1) {
      const results = await Promise.allSettled(
        [...services, ...services].map((service) => service.trigger({ mode: 'full', trigger: 'cron' })),
      );
      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(SyncRunConflictError);
          expect(result.reason).toMatchObject({ activeRunId: won[0].id });
        }
      }
      expect(await services[1].cancel(won[0].id)).toBe(true);
      expect(await services[0].cancel(won[0].id)).toBe(false);
    }
  }, 60_000);
});
