/**
 * The operators' commands in-process through `runCli` (the same runner as bin/clr-publisher.js):
 * a demo SIS, a SQLite store and Redis under a unique prefix named in a config file, a worker
 * building runs in this process (it does not consume the deliver queue), the stand-in provider
 * for `targets add`. Exit codes and `--json` output are what is checked.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, loadConfig, resolveFromRoot } from '@app/config';
import { JobProducer, QueueName, redisConnectionOptions } from '@app/jobs';
import { ClrIdFactory } from '@app/mapping';
import { learnerRefOf } from '@app/publishing';
import { type RunningStandInProvider, startStandInProvider } from '@app/provider';
import { generateDemoSis } from '@app/sis';
import { PublisherStore } from '@app/store';
import { describeWithService } from '@app/testing';
import { type RunningWorker, startWorker } from '@app/worker';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { CliModule } from '../cli.module';
import { type CliRun, runInProcess } from '../cli.test-kit';
import { cliActor } from './operations-context';

const DEFAULT_YAML = readFileSync(resolveFromRoot('config/default.yaml'), 'utf8');

function configYaml(
  sisFile: string,
  storeFile: string,
  prefix: string,
  redisUrl = 'redis://127.0.0.1:6379',
): string {
  const replacements: [string, string][] = [
    ['file: .data/demo-sis.sqlite', `file: ${JSON.stringify(sisFile)}`],
    ['file: .data/publisher.sqlite', `file: ${JSON.stringify(storeFile)}`],
    ['url: ${REDIS_URL:-redis://127.0.0.1:6379}', `url: ${redisUrl}\n  prefix: ${prefix}`],
  ];
  let text = DEFAULT_YAML;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`config/default.yaml has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function json<T = Record<string, unknown>>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

describeWithService(
  'redis',
  'operator commands (runs, republish, revoke, deliveries, retry, targets)',
  () => {
    let dir: string;
    let configFile: string;
    let config: AppConfig;
    let worker: RunningWorker;
    let store: PublisherStore;
    let producer: JobProducer;
    let provider: RunningStandInProvider;
    let learnerIds: string[];
    let ids: ClrIdFactory;

    const cli = (...argv: string[]): Promise<CliRun> =>
      runInProcess(CliModule, [...argv, '--config', configFile]);

    /** Makes a run of the demo source active by hand, as if a worker were busy with it. */
    const occupy = async (): Promise<{ id: string; release(): Promise<void> }> => {
      const run = await store.runs.create({ source: 'demo', mode: 'full', trigger: 'cli' });
      await store.plans.create(run.id, null);
      await store.slots.acquire('demo', run.id);
      return {
        id: run.id,
        release: async () => {
          await store.runs.finish(run.id, 'cancelled');
          await store.slots.release('demo', run.id);
        },
      };
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'clr-cli-ops-'));
      const sisFile = join(dir, 'sis.sqlite');
      generateDemoSis({ learners: 6, out: sisFile, seed: 9, defects: false });
      const db = new Database(sisFile, { readonly: true });
      learnerIds = (
        db.prepare('SELECT learner_id FROM clr_learners ORDER BY learner_id').all() as {
          learner_id: string;
        }[]
      ).map((row) => row.learner_id);
      db.close();
      const prefix = `clrt-cli-ops-${process.pid}-${randomBytes(3).toString('hex')}`;
      configFile = join(dir, 'config.yaml');
      writeFileSync(configFile, configYaml(sisFile, join(dir, 'publisher.sqlite'), prefix));
      config = loadConfig({ path: configFile, env: {} });
      worker = await startWorker({
        config,
        migrations: 'apply',
        logger: false,
        queues: [QueueName.Extract, QueueName.Build],
      });
      store = worker.app.get(PublisherStore);
      producer = worker.app.get(JobProducer);
      ids = new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret);
      provider = await startStandInProvider({ verifySignatures: false });
      await store.targets.upsert({
        name: 'wallet',
        baseUrl: provider.baseUrl,
        authMode: 'client_credentials',
        clientId: 'client',
        clientSecret: 'secret',
        scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
        payloadForm: 'signedClr',
        concurrency: 1,
        ratePerSecond: 10,
        timeoutMs: 5000,
        enabled: true,
        origin: 'runtime',
      });
    }, 90_000);

    afterAll(async () => {
      await worker?.close();
      await provider?.close();
      if (config !== undefined) {
        for (const name of Object.values(QueueName)) {
          const queue = new Queue(name, {
            connection: redisConnectionOptions(config.redis.url),
            prefix: config.redis.prefix,
          });
          await queue.obliterate({ force: true });
          await queue.close();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });

    describe('sync and runs', () => {
      let runId: string;

      it('sync --full --wait --json: exit 0 with the succeeded run as JSON', async () => {
        const run = await cli('sync', '--full', '--wait', '--json');
        expect(run).toMatchObject({ code: 0, stderr: '' });
        const summary = json<{ id: string; status: string; counts: { learnersBuilt: number } }>(run);
        expect(summary).toMatchObject({ status: 'succeeded', counts: { learnersBuilt: learnerIds.length } });
        runId = summary.id;
        const [audit] = await store.audit.list({ action: 'run.start' });
        expect(audit).toMatchObject({ subject: runId, actor: expect.stringMatching(/^cli(:|$)/) });
      }, 60_000);

      it('runs lists them (text and JSON); runs <id> shows one; an unknown id is exit 1', async () => {
        const text = await cli('runs');
        expect(text.code).toBe(0);
        expect(text.stdout).toMatch(new RegExp(`^${runId}  succeeded +full +demo  `, 'm'));
        const page = json<{ items: { id: string }[]; next: number | null }>(
          await cli('runs', '--json', '--status', 'succeeded'),
        );
        expect(page.items.map((run) => run.id)).toContain(runId);
        const one = await cli('runs', runId, '--json');
        expect(one.code).toBe(0);
        expect(json(one)).toMatchObject({ id: runId, mode: 'full', problems: { items: [], next: null } });
        expect((await cli('runs', runId)).stdout).toMatch(
          new RegExp(`run ${runId} succeeded \\(full, source demo, cli by cli(:\\S+)?`),
        );

        const unknown = await cli('runs', '00000000-0000-0000-0000-000000000000');
        expect(unknown).toEqual({
          code: 1,
          stdout: '',
          stderr: 'error: no run 00000000-0000-0000-0000-000000000000\n',
        });
        const unknownJson = await cli('runs', '00000000-0000-0000-0000-000000000000', '--json');
        expect(unknownJson.code).toBe(1);
        expect(json(unknownJson)).toEqual({
          error: { code: 'run_not_found', message: 'no run 00000000-0000-0000-0000-000000000000' },
        });
      });

      it('exits 2 for malformed options, naming them', async () => {
        const limit = await cli('runs', '--limit', '0');
        expect(limit.code).toBe(2);
        expect(limit.stderr).toContain('--limit must be a whole number from 1 to 500');
        const status = await cli('runs', '--status', 'finished');
        expect(status.code).toBe(2);
        expect(status.stderr).toContain(
          'status must be one of queued, running, succeeded, failed, cancelled',
        );
        expect((await cli('runs', 'a', 'b')).code).toBe(2);
      });
    });

    describe('runs --resume and --cancel', () => {
      /** A run of the demo source whose extraction job was lost (queued by no one). */
      const lostRun = async (): Promise<string> => {
        const run = await store.runs.create({ source: 'demo', mode: 'full', trigger: 'cli' });
        await store.plans.create(run.id, null);
        expect(await store.slots.acquire('demo', run.id)).toBe(true);
        return run.id;
      };

      it("--resume queues a run's lost work again and the run finishes", async () => {
        const runId = await lostRun();
        const resumed = await cli('runs', runId, '--resume', '--json');
        expect(resumed.code).toBe(0);
        expect(json(resumed)).toMatchObject({ run: { id: runId }, extractQueued: true, batchesQueued: 0 });
        for (let i = 0; i < 600 && (await store.runs.get(runId))?.status !== 'succeeded'; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await store.runs.get(runId)).toMatchObject({ status: 'succeeded' });
        const again = await cli('runs', runId, '--resume');
        expect(again.code).toBe(1);
        expect(again.stderr).toContain(`run ${runId} is succeeded: only a queued or running run`);
        const [audit] = await store.audit.list({ action: 'run.resume' });
        expect(audit).toMatchObject({ subject: runId, actor: expect.stringMatching(/^cli:/) });
      }, 60_000);

      it('--cancel ends an active run with the reason and frees its source; misuse is exit 2', async () => {
        const runId = await lostRun();
        const cancelled = await cli('runs', runId, '--cancel', '--reason', 'its jobs were lost', '--json');
        expect(cancelled.code).toBe(0);
        expect(json(cancelled)).toMatchObject({
          id: runId,
          status: 'cancelled',
          error: 'its jobs were lost',
        });
        expect(await store.slots.holder('demo')).toBeNull();
        const [audit] = await store.audit.list({ action: 'run.cancel' });
        expect(audit).toMatchObject({ subject: runId, actor: expect.stringMatching(/^cli:/) });
        expect((await cli('runs', runId, '--cancel')).code).toBe(1);
        for (const args of [
          ['runs', '--cancel'],
          ['runs', runId, '--cancel', '--resume'],
          ['runs', runId, '--reason', 'x'],
        ]) {
          const misuse = await cli(...args);
          expect({ args, code: misuse.code }).toEqual({ args, code: 2 });
        }
      });
    });

    describe('republish', () => {
      it('--learner ... --wait: a forced republish run followed to success, plain progress off a terminal', async () => {
        const run = await cli('republish', '--learner', learnerIds[0], '--learner', learnerIds[1], '--wait');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(
          /^republish run [0-9a-f-]{36} queued: 2 learner\(s\) \(learnerIds, source demo\)$/m,
        );
        expect(run.stdout).toMatch(/^run [0-9a-f-]{36} succeeded \(republish, source demo\)$/m);
        expect(run.stdout).toContain('built and signed:   2');
        const [audit] = await store.audit.list({ action: 'republish' });
        expect(audit.actor).toBe(cliActor());
        expect(JSON.parse(audit.details!)).toMatchObject({ scope: 'learnerIds', learners: 2, via: 'cli' });
        expect(audit.details).not.toContain(learnerIds[0]);
      }, 60_000);

      it('--all --json without waiting: exit 0 with the queued run', async () => {
        const run = await cli('republish', '--all', '--json');
        expect(run.code).toBe(0);
        const result = json<{ scope: string; learners: number; run: { id: string; mode: string } }>(run);
        expect(result).toMatchObject({
          scope: 'all',
          learners: learnerIds.length,
          run: { mode: 'republish' },
        });
        const plan = await store.plans.get(result.run.id);
        expect(JSON.parse(plan!.request!)).toMatchObject({ force: true });
        await worker.app
          .get((await import('@app/publishing')).SyncRunService)
          .waitForRun(result.run.id, { pollMs: 50 });
      }, 60_000);

      it('exit 2 for no or several selectors, 1 for an unknown achievement and for a busy source', async () => {
        const none = await cli('republish');
        expect(none.code).toBe(2);
        expect(none.stderr).toContain('say whom to republish');
        const several = await cli('republish', '--all', '--learner', 'x');
        expect(several.code).toBe(2);
        expect(several.stderr).toContain('give only one of --learner, --all');
        const unknown = await cli('republish', '--achievement', 'f'.repeat(32), '--json');
        expect(unknown.code).toBe(1);
        expect(json(unknown)).toMatchObject({ error: { code: 'achievement_not_found' } });
        const busy = await occupy();
        try {
          const conflict = await cli('republish', '--all', '--json');
          expect(conflict.code).toBe(1);
          expect(json(conflict)).toMatchObject({
            error: { code: 'run_conflict', details: { activeRunId: busy.id } },
          });
          const syncConflict = await cli('sync');
          expect(syncConflict.code).toBe(1);
        } finally {
          await busy.release();
        }
      });
    });

    describe('revoke and reinstate', () => {
      let assertionId: string;

      beforeAll(async () => {
        const ref = learnerRefOf(ids, learnerIds[2]);
        assertionId = (await store.ledger.listForLearner(ref, 'active'))[0].assertionId;
      });

      it('revoke --reason --json: revoked by the operator, a republish run queued; twice is exit 1', async () => {
        const segment = assertionId.split('/').pop()!;
        const run = await cli('revoke', segment, '--reason', 'issued in error', '--json');
        expect(run.code).toBe(0);
        const result = json<{ change: string; republish: { status: string; run: { id: string } } }>(run);
        expect(result).toMatchObject({
          change: 'revoked',
          assertion: {
            assertionId,
            status: 'revoked',
            revokedBy: 'operator',
            revocationReason: 'issued in error',
          },
          republish: { status: 'queued', run: { mode: 'republish' } },
        });
        expect(await store.revocations.isRevoked(assertionId)).toBe(true);
        const [audit] = await store.audit.list({ action: 'assertion.revoke' });
        expect(audit).toMatchObject({ actor: cliActor(), subject: assertionId });
        await worker.app
          .get((await import('@app/publishing')).SyncRunService)
          .waitForRun(result.republish.run.id, {
            pollMs: 50,
          });

        const again = await cli('revoke', assertionId, '--reason', 'again');
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/^error: assertion .* was revoked by an operator at /);
      }, 60_000);

      it('exit 2 without --reason or for a malformed id; exit 1 for an unknown assertion', async () => {
        const noReason = await cli('revoke', assertionId);
        expect(noReason.code).toBe(2);
        expect(noReason.stderr).toContain('--reason is required');
        const malformed = await cli('revoke', 'not-an-id', '--reason', 'x');
        expect(malformed.code).toBe(2);
        expect(malformed.stderr).toContain('assertion must be an assertion id');
        expect((await cli('reinstate', 'a'.repeat(32), '--reason', 'x')).code).toBe(1);
      });

      it('reinstate --wait: off the list, the republish followed to success', async () => {
        const run = await cli('reinstate', assertionId, '--reason', 'reviewed', '--wait');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`reinstated ${assertionId}`);
        expect(run.stdout).toMatch(/^run [0-9a-f-]{36} succeeded \(republish, source demo\)$/m);
        expect(await store.revocations.isRevoked(assertionId)).toBe(false);
        const again = await cli('reinstate', assertionId, '--reason', 'again', '--json');
        expect(again.code).toBe(1);
        expect(json(again)).toMatchObject({ error: { code: 'not_revoked' } });
      }, 60_000);

      it('revoking while the source is busy: revoked, exit 1, and how to republish later', async () => {
        const busy = await occupy();
        try {
          const run = await cli('revoke', assertionId, '--reason', 'urgent');
          expect(run.code).toBe(1);
          expect(run.stdout).toContain(`revoked ${assertionId}`);
          expect(run.stderr).toContain("warning: the learner's CLR was not republished");
          expect(run.stderr).toContain(
            `clr-publisher republish --learner-ref ${learnerRefOf(ids, learnerIds[2])}`,
          );
          expect(await store.revocations.isRevoked(assertionId)).toBe(true);
        } finally {
          await busy.release();
        }
      });
    });

    describe('deliveries and retry', () => {
      let dead: string;

      beforeAll(async () => {
        const pending = await store.deliveries.list({ status: 'pending', limit: 3 });
        for (const delivery of pending) {
          await store.deliveries.claim(delivery.id);
          await store.deliveries.markDead(delivery.id, {
            error: 'gave up after 8 attempts',
            httpStatus: 503,
          });
        }
        dead = pending[0].id;
      });

      it('lists by status, target and learner (a SIS id, turned into its ref), shows one', async () => {
        const list = await cli('deliveries', '--status', 'dead', '--target', 'wallet', '--json');
        expect(list.code).toBe(0);
        expect(json<{ items: { id: string; status: string }[] }>(list).items).toHaveLength(3);
        const text = await cli('deliveries', '--status', 'dead');
        expect(text.stdout).toMatch(new RegExp(`^${dead}  dead  {7}wallet  `, 'm'));
        const mine = await cli('deliveries', '--learner', learnerIds[0], '--json');
        const ref = learnerRefOf(ids, learnerIds[0]);
        const items = json<{ items: { learnerRef: string }[] }>(mine).items;
        expect(items.length).toBeGreaterThan(0);
        expect(items.every((item) => item.learnerRef === ref)).toBe(true);
        expect(mine.stdout).not.toContain(learnerIds[0]);
        const one = await cli('deliveries', dead);
        expect(one.code).toBe(0);
        expect(one.stdout).toContain(`delivery ${dead}: dead`);
        expect(one.stdout).toContain('last error:    gave up after 8 attempts');
      });

      it('exit 2 for a malformed filter, 1 for an unknown target or delivery', async () => {
        expect((await cli('deliveries', '--status', 'lost')).code).toBe(2);
        expect((await cli('deliveries', '--learner', 'a', '--learner-ref', 'b')).code).toBe(2);
        const target = await cli('deliveries', '--target', 'nowhere');
        expect(target).toMatchObject({ code: 1, stderr: 'error: no delivery target named "nowhere"\n' });
        expect((await cli('deliveries', '00000000-0000-0000-0000-000000000000')).code).toBe(1);
      });

      it('retry <id> requeues one and queues its job; --all-dead the rest; misuse is exit 2', async () => {
        const one = await cli('retry', dead, '--json');
        expect(one.code).toBe(0);
        expect(json(one)).toMatchObject({ id: dead, status: 'pending' });
        expect(await producer.queue(QueueName.Deliver).getJob(`deliver-${dead}-1`)).toBeDefined();
        const again = await cli('retry', dead);
        expect(again.code).toBe(1);
        expect(again.stderr).toContain('only dead or rejected deliveries are retried');

        const all = await cli('retry', '--all-dead', '--target', 'wallet', '--json');
        expect(all.code).toBe(0);
        expect(json(all)).toEqual({ requeued: 2, target: 'wallet' });
        expect((await cli('retry', '--all-dead')).stdout).toBe('0 dead deliveries requeued\n');

        expect((await cli('retry')).code).toBe(2);
        expect((await cli('retry', dead, '--all-dead')).code).toBe(2);
        expect((await cli('retry', dead, '--target', 'wallet')).code).toBe(2);
        const audit = await store.audit.list({ action: 'delivery.retry-dead' });
        expect(audit[0].actor).toBe(cliActor());
      });
    });

    describe('targets', () => {
      it('lists (alone or with list), adds by discovery URL, disables and enables', async () => {
        const list = await cli('targets');
        expect(list.code).toBe(0);
        expect(list.stdout).toMatch(/^wallet +enabled +runtime +client_credentials/m);
        expect(json<{ name: string }[]>(await cli('targets', 'list', '--json')).map((t) => t.name)).toEqual([
          'wallet',
        ]);

        const added = await cli(
          'targets',
          'add',
          provider.endpoints.discoveryUrl,
          '--name',
          'lrw',
          '--timeout',
          '5000',
          '--json',
        );
        expect(added.code).toBe(0);
        expect(json(added)).toMatchObject({
          name: 'lrw',
          origin: 'runtime',
          enabled: true,
          hasClient: true,
          baseUrl: provider.baseUrl,
        });
        const duplicate = await cli('targets', 'add', provider.endpoints.discoveryUrl, '--name', 'lrw');
        expect(duplicate.code).toBe(1);
        expect(duplicate.stderr).toContain('a delivery target named "lrw" exists already');

        const off = await cli('targets', 'disable', 'lrw', '--json');
        expect(off.code).toBe(0);
        expect(json(off)).toMatchObject({ name: 'lrw', enabled: false });
        expect((await cli('targets', 'enable', 'lrw')).code).toBe(0);
        expect((await store.targets.getByName('lrw'))?.enabled).toBe(true);
        expect((await cli('targets', 'enable', 'nowhere')).code).toBe(1);
      });

      it('exit 2 for a malformed URL or option, 1 when the provider cannot be used', async () => {
        const plain = await cli(
          'targets',
          'add',
          'http://lrw.example.org/ims/clr/v1p0/discovery',
          '--name',
          'x',
        );
        expect(plain.code).toBe(2);
        expect(plain.stderr).toContain('discoveryUrl must use https');
        expect((await cli('targets', 'add', provider.endpoints.discoveryUrl)).code).toBe(2);
        expect(
          (await cli('targets', 'add', provider.endpoints.discoveryUrl, '--name', 'x', '--rate', '0')).code,
        ).toBe(2);
        const port = await closedPort();
        const down = await cli(
          'targets',
          'add',
          `http://127.0.0.1:${port}/ims/clr/v1p0/discovery`,
          '--name',
          'x',
          '--json',
        );
        expect(down.code).toBe(1);
        expect(json(down)).toMatchObject({
          error: { code: 'provider_unavailable', details: { reason: 'unreachable' } },
        });
        expect(await store.targets.getByName('x')).toBeNull();
        const unknown = await cli('targets', 'remove', 'lrw');
        expect(unknown.code).toBe(2);
      });
    });

    it('keys rotate: a new active key, the old one retired, a hint to sign again, audited with the OS user', async () => {
      const before = (await store.keys.activeKey())!.kid;
      const rotated = await cli('keys', 'rotate');
      expect(rotated.code).toBe(0);
      const after = (await store.keys.activeKey())!.kid;
      expect(after).not.toBe(before);
      expect(rotated.stdout).toContain(`active key: ${after}\nretired:    ${before}\n`);
      expect(rotated.stdout).toContain('clr-publisher republish --all');
      const [audit] = await store.audit.list({ action: 'keys.rotate' });
      expect(audit).toMatchObject({ subject: after, actor: expect.stringMatching(/^cli(:|$)/) });
    });

    it('exit 2, changing nothing, when Redis does not answer', async () => {
      const port = await closedPort();
      const offline = join(dir, 'offline.yaml');
      writeFileSync(
        offline,
        readFileSync(configFile, 'utf8').replace(
          'url: redis://127.0.0.1:6379',
          `url: redis://127.0.0.1:${port}`,
        ),
      );
      const [delivery] = await store.deliveries.list({ status: 'pending', limit: 1 });
      await store.deliveries.claim(delivery.id);
      await store.deliveries.markDead(delivery.id, { error: 'x' });
      const run = await runInProcess(CliModule, ['retry', delivery.id, '--config', offline]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `error: Redis at 127.0.0.1:${port} does not answer (connect ECONNREFUSED 127.0.0.1:${port}); nothing was changed\n`,
      );
      expect(await store.deliveries.get(delivery.id)).toMatchObject({ status: 'dead' });
      const read = await runInProcess(CliModule, ['deliveries', '--config', offline]);
      expect(read.code).toBe(2);
      expect(read.stderr).toContain('does not answer');
    }, 30_000);
  },
);
