import { loadConfig, sisSourceSchema } from '@app/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SyncRunConflictError } from '../runs/sync-run.errors';
import { type SyncRunService, type TriggerRunInput } from '../runs/sync-run.service';
import { SyncScheduler, syncSchedules } from './sync-scheduler';

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
});
