import { loadConfig, sisSourceSchema } from '@app/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SyncRunConflictError } from '../runs/sync-run.errors';
import { type SyncRunService, type TriggerRunInput } from '../runs/sync-run.service';
import { type FullRunDeferral, SyncScheduler, syncSchedules } from './sync-scheduler';

const base = loadConfig({ path: 'config/default.yaml', env: {} });
const config = {
  sis: {
    sources: [
      sisSourceSchema.parse({
        name: 'registrar',
        driver: 'sqlite',
        connection: { file: 'x.sqlite' },
        schedule: { incremental: '*/15 * * * *', full: '0 3 * * 0', timeZone: 'America/Chicago' },
      }),
      sisSourceSchema.parse({ name: 'quiet', driver: 'sqlite', connection: { file: 'y.sqlite' } }),
    ],
  },
};

/** The run service at the scheduler's edge: records triggers and answers as told. */
function runs(answer: (input: TriggerRunInput) => Promise<{ id: string }>): SyncRunService {
  return { trigger: answer } as unknown as SyncRunService;
}

describe('SyncScheduler', () => {
  it('reads one schedule per configured cron expression, none for a source without', () => {
    expect(syncSchedules(config)).toEqual([
      {
        name: 'sync:registrar:incremental',
        source: 'registrar',
        mode: 'incremental',
        cron: '*/15 * * * *',
        timeZone: 'America/Chicago',
      },
      {
        name: 'sync:registrar:full',
        source: 'registrar',
        mode: 'full',
        cron: '0 3 * * 0',
        timeZone: 'America/Chicago',
      },
    ]);
    expect(syncSchedules(base)).toEqual([]);
  });

  it('registers the jobs in the SchedulerRegistry and removes them on stop', () => {
    const registry = new SchedulerRegistry();
    const scheduler = new SyncScheduler(
      registry,
      runs(() => Promise.resolve({ id: 'r' })),
      config,
    );
    scheduler.start();
    expect([...registry.getCronJobs().keys()].sort()).toEqual([
      'sync:registrar:full',
      'sync:registrar:incremental',
    ]);
    expect(registry.getCronJob('sync:registrar:full').isActive).toBe(true);
    scheduler.stop();
    expect(registry.getCronJobs().size).toBe(0);
  });

  it('only triggers on a tick; a source still running is skipped and reported, not thrown', async () => {
    const asked: TriggerRunInput[] = [];
    let active: string | undefined;
    const scheduler = new SyncScheduler(
      new SchedulerRegistry(),
      runs((input) => {
        asked.push(input);
        if (active !== undefined) return Promise.reject(new SyncRunConflictError(input.source!, active));
        active = 'run-1';
        return Promise.resolve({ id: active });
      }),
      config,
    );
    const schedule = {
      name: 'sync:registrar:incremental',
      source: 'registrar',
      mode: 'incremental',
    } as const;
    await expect(scheduler.tick(schedule)).resolves.toEqual({ status: 'triggered', runId: 'run-1' });
    await expect(scheduler.tick(schedule)).resolves.toEqual({ status: 'skipped', activeRunId: 'run-1' });
    expect(asked).toEqual([
      { source: 'registrar', mode: 'incremental', trigger: 'cron' },
      { source: 'registrar', mode: 'incremental', trigger: 'cron' },
    ]);
  });

  it('reports any other failure of a tick with its reason', async () => {
    const scheduler = new SyncScheduler(
      new SchedulerRegistry(),
      runs(() => Promise.reject(new Error('Redis is down\nstack'))),
      config,
    );
    await expect(scheduler.tick({ name: 'n', source: 'registrar', mode: 'full' })).resolves.toEqual({
      status: 'error',
      reason: 'Redis is down',
    });
  });

  describe('a full tick that finds an incremental run active', () => {
    /** One source's runs, as the store keeps them: one active at a time, the trigger atomic. */
    class FakeRuns {
      readonly runs: { id: string; mode: string; createdAt: Date; active: boolean }[] = [];
      readonly triggered: string[] = [];
      start(mode: string, createdAt = new Date()): string {
        const id = `run-${this.runs.length + 1}`;
        this.runs.push({ id, mode, createdAt, active: true });
        return id;
      }
      finishAll(): void {
        for (const run of this.runs) run.active = false;
      }
      service(): SyncRunService {
        return {
          trigger: (input: TriggerRunInput) => {
            const active = this.runs.find((run) => run.active);
            if (active !== undefined)
              return Promise.reject(new SyncRunConflictError(input.source!, active.id));
            this.triggered.push(input.mode);
            return Promise.resolve({ id: this.start(input.mode) });
          },
          get: (id: string) => Promise.resolve(this.runs.find((run) => run.id === id) ?? null),
          list: (query: { mode?: string; limit?: number }) =>
            Promise.resolve(
              [...this.runs]
                .reverse()
                .filter((run) => query.mode === undefined || run.mode === query.mode)
                .slice(0, query.limit ?? 50),
            ),
        } as unknown as SyncRunService;
      }
    }
    const full = { name: 'sync:registrar:full', source: 'registrar', mode: 'full' } as const;
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 2000 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const schedulers: SyncScheduler[] = [];
    const scheduler = (runs: FakeRuns, deferral: Partial<FullRunDeferral> = { retryMs: 10 }) => {
      const made = new SyncScheduler(new SchedulerRegistry(), runs.service(), config, deferral);
      schedulers.push(made);
      return made;
    };
    afterEach(() => schedulers.splice(0).forEach((made) => made.stop()));

    it('starts the full run once the incremental run is over', async () => {
      const runs = new FakeRuns();
      const incremental = runs.start('incremental');
      await expect(scheduler(runs).tick(full)).resolves.toEqual({
        status: 'deferred',
        activeRunId: incremental,
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runs.triggered).toEqual([]);
      runs.finishAll();
      await until(() => runs.triggered.length > 0);
      expect(runs.triggered).toEqual(['full']);
    });

    it('starts one full run when two instances deferred the same tick', async () => {
      const runs = new FakeRuns();
      runs.start('incremental');
      const tickedAt = new Date();
      await scheduler(runs).tick(full, tickedAt);
      await scheduler(runs, { retryMs: 60 }).tick(full, tickedAt);
      runs.finishAll();
      await until(() => runs.triggered.length > 0);
      // The full run is over before the other instance tries again: it must not start a second.
      runs.finishAll();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.triggered).toEqual(['full']);
    });

    it('skips a full tick that finds a full run active, and gives up a deferred one in time', async () => {
      const runs = new FakeRuns();
      const previous = runs.start('full');
      await expect(scheduler(runs).tick(full)).resolves.toEqual({ status: 'skipped', activeRunId: previous });
      runs.finishAll();
      runs.start('incremental');
      await expect(scheduler(runs, { retryMs: 10, giveUpAfterMs: 30 }).tick(full)).resolves.toMatchObject({
        status: 'deferred',
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs.finishAll();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.triggered).toEqual([]);
    });

    it('defers, never throws, when the store cannot say which run holds the source; gives up in time', async () => {
      const runs = new FakeRuns();
      runs.start('incremental');
      const service = runs.service();
      let lists = 0;
      const broken = {
        ...service,
        get: () => Promise.reject(new Error('store down')),
        list: () => {
          lists += 1;
          return Promise.reject(new Error('store down'));
        },
      } as unknown as SyncRunService;
      const made = new SyncScheduler(new SchedulerRegistry(), broken, config, {
        retryMs: 5,
        giveUpAfterMs: 50,
      });
      schedulers.push(made);
      await expect(made.tick(full)).resolves.toMatchObject({ status: 'deferred' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const tries = lists;
      expect(tries).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lists).toBe(tries); // it stopped trying once the deferral ended
    });

    it('starts nothing once stopped, even from a try that was reading the store', async () => {
      const runs = new FakeRuns();
      runs.start('incremental');
      const service = runs.service();
      let stop: () => void = () => undefined;
      const slow = {
        ...service,
        list: async () => {
          stop();
          runs.finishAll();
          return service.list({ source: 'registrar', mode: 'full', limit: 1 });
        },
      } as unknown as SyncRunService;
      const made = new SyncScheduler(new SchedulerRegistry(), slow, config, { retryMs: 5 });
      schedulers.push(made);
      stop = () => made.stop();
      await made.tick(full);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.triggered).toEqual([]);
    });

    it('drops its deferred full runs when stopped', async () => {
      const runs = new FakeRuns();
      runs.start('incremental');
      const made = scheduler(runs, { retryMs: 30 });
      await made.tick(full);
      made.stop();
      runs.finishAll();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.triggered).toEqual([]);
    });
  });

  describe('a full tick missed while no scheduler ran', () => {
    // registrar's full schedule: Sundays 03:00 in Chicago, 2026-11-29T09:00Z; the one before a week earlier.
    const tick = new Date('2026-11-29T09:00:00Z');
    const oneHourAfter = new Date('2026-11-29T10:00:00Z');
    const hours = (at: Date, n: number) => new Date(at.getTime() + n * 3600_000);
    const weekBefore = hours(tick, -7 * 24);
    interface Run {
      mode: string;
      createdAt: Date;
      trigger?: string;
      finishedAt?: Date | null;
    }
    /** The last week's scheduled full run, finished an hour later. */
    const kept = (): Run => ({
      mode: 'full',
      createdAt: weekBefore,
      trigger: 'cron',
      finishedAt: hours(weekBefore, 1),
    });
    class Runs {
      readonly runs: Run[] = [];
      readonly triggered: string[] = [];
      busy = false;
      lists = 0;
      broken = false;
      constructor(...runs: Run[]) {
        this.runs.push(...runs);
      }
      service(): SyncRunService {
        return {
          trigger: (input: TriggerRunInput) => {
            if (this.busy) return Promise.reject(new SyncRunConflictError(input.source!, 'incremental-1'));
            this.triggered.push(`${input.source}:${input.mode}`);
            this.runs.push({ mode: input.mode, createdAt: new Date(), trigger: 'cron', finishedAt: null });
            return Promise.resolve({ id: `run-${this.triggered.length}` });
          },
          get: () => Promise.resolve({ id: 'incremental-1', mode: 'incremental' }),
          list: (query: { source?: string; mode?: string; limit?: number }) => {
            this.lists += 1;
            if (this.broken) return Promise.reject(new Error('store down'));
            const matching = this.runs
              .filter((run) => query.mode === undefined || run.mode === query.mode)
              .map((run) => ({ trigger: 'operator', finishedAt: hours(run.createdAt, 1), ...run }))
              .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
            return Promise.resolve(matching.slice(0, query.limit ?? 50));
          },
        } as unknown as SyncRunService;
      }
    }
    const started: SyncScheduler[] = [];
    const start = (runs: Runs, now: Date, deferral: Partial<FullRunDeferral> = { retryMs: 10 }) => {
      const made = new SyncScheduler(new SchedulerRegistry(), runs.service(), config, deferral);
      started.push(made);
      made.start(now);
      return made;
    };
    afterEach(() => started.splice(0).forEach((made) => made.stop()));

    it('starts it at start when the schedule was kept the time before and no full run followed the tick', async () => {
      const runs = new Runs(kept(), { mode: 'incremental', createdAt: oneHourAfter });
      await start(runs, oneHourAfter).madeUp;
      expect(runs.triggered).toEqual(['registrar:full']);
    });

    it.each([
      [
        'a full run followed the tick',
        () => new Runs(kept(), { mode: 'full', createdAt: tick, trigger: 'cron' }),
        oneHourAfter,
      ],
      ['the tick is over 12 hours old', () => new Runs(kept()), hours(tick, 13)],
      [
        'the source never had a full run (a new installation)',
        () => new Runs({ mode: 'incremental', createdAt: weekBefore }),
        oneHourAfter,
      ],
      [
        "the schedule is new: the last full run was an operator's",
        () => new Runs({ mode: 'full', createdAt: hours(tick, -30), trigger: 'operator' }),
        oneHourAfter,
      ],
      [
        'a full run was still active at the tick (the tick was skipped on purpose)',
        () =>
          new Runs(kept(), {
            mode: 'full',
            createdAt: hours(tick, -2),
            trigger: 'cron',
            finishedAt: hours(tick, 0.5),
          }),
        oneHourAfter,
      ],
    ])('starts nothing when %s', async (_case, runsOf, now) => {
      const runs = runsOf();
      await start(runs, now).madeUp;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runs.triggered).toEqual([]);
    });

    it('asks again whether a tick is owed when the store could not answer, and starts nothing if not', async () => {
      const runs = new Runs({ mode: 'full', createdAt: hours(tick, -30), trigger: 'operator' });
      runs.broken = true;
      await start(runs, oneHourAfter).madeUp;
      await new Promise((resolve) => setTimeout(resolve, 40));
      runs.broken = false;
      const asked = runs.lists;
      for (let i = 0; i < 100 && runs.lists === asked; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runs.lists).toBeGreaterThan(asked);
      expect(runs.triggered).toEqual([]);
    });

    it('waits for a busy source, and tries again while the store cannot answer', async () => {
      const runs = new Runs(kept());
      runs.busy = true;
      runs.broken = true;
      await start(runs, oneHourAfter).madeUp;
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(runs.lists).toBeGreaterThan(1);
      expect(runs.triggered).toEqual([]);
      runs.broken = false;
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(runs.triggered).toEqual([]);
      runs.busy = false;
      for (let i = 0; i < 200 && runs.triggered.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(runs.triggered).toEqual(['registrar:full']);
    });
  });
});
