import { type AppConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { type SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { type RunMode } from '@app/store';
import { SyncRunConflictError } from '../runs/sync-run.errors';
import { type SyncRunService } from '../runs/sync-run.service';

/** One scheduled trigger: which source, which mode, when. */
export interface SyncSchedule {
  /** Name in the SchedulerRegistry: `sync:{source}:{mode}`. */
  name: string;
  source: string;
  mode: Extract<RunMode, 'full' | 'incremental'>;
  cron: string;
  timeZone: string;
}

/** What one tick did (for logs and tests). */
export type TickOutcome =
  | { status: 'triggered'; runId: string }
  | { status: 'skipped'; activeRunId: string }
  | { status: 'error'; reason: string };

/** The schedules of `sis.sources[].schedule` (`incremental`, `full`, `timeZone`). */
export function syncSchedules(config: Pick<AppConfig, 'sis'>): SyncSchedule[] {
  return config.sis.sources.flatMap((source) =>
    (['incremental', 'full'] as const).flatMap((mode) => {
      const cron = source.schedule[mode];
      return cron === undefined
        ? []
        : [
            {
              name: `sync:${source.name}:${mode}`,
              source: source.name,
              mode,
              cron,
              timeZone: source.schedule.timeZone,
            },
          ];
    }),
  );
}

/**
 * Registers one cron job per configured schedule in Nest's SchedulerRegistry (so they are
 * listed, stopped on shutdown, and never hard-coded). A tick only triggers a run: a source that
 * is still running is logged and skipped, any other failure logged; nothing is thrown into the
 * scheduler. The api app registers it; with several api instances every tick still starts at
 * most one run per source (the trigger is atomic).
 */
export class SyncScheduler {
  private readonly logger = new Logger('SyncScheduler');
  private readonly names: string[] = [];

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly runs: SyncRunService,
    private readonly config: Pick<AppConfig, 'sis'>,
  ) {}

  /** Adds and starts the cron jobs; returns the schedules registered. */
  start(): SyncSchedule[] {
    const schedules = syncSchedules(this.config);
    for (const schedule of schedules) {
      const job = CronJob.from({
        cronTime: schedule.cron,
        timeZone: schedule.timeZone,
        onTick: () => {
          void this.tick(schedule);
        },
        start: false,
      });
      this.registry.addCronJob(schedule.name, job);
      this.names.push(schedule.name);
      job.start();
      this.logger.log(`${schedule.name}: "${schedule.cron}" (${schedule.timeZone})`);
    }
    return schedules;
  }

  /** Stops and removes the jobs this scheduler added. */
  stop(): void {
    for (const name of this.names.splice(0)) {
      if (this.registry.doesExist('cron', name)) {
        void this.registry.getCronJob(name).stop();
        this.registry.deleteCronJob(name);
      }
    }
  }

  /** One tick: trigger, and report instead of throwing. */
  async tick(schedule: Pick<SyncSchedule, 'name' | 'source' | 'mode'>): Promise<TickOutcome> {
    try {
      const run = await this.runs.trigger({ source: schedule.source, mode: schedule.mode, trigger: 'cron' });
      this.logger.log(`${schedule.name}: started run ${run.id}`);
      return { status: 'triggered', runId: run.id };
    } catch (error) {
      if (error instanceof SyncRunConflictError) {
        this.logger.warn(`${schedule.name}: skipped, run ${error.activeRunId} of the source is still active`);
        return { status: 'skipped', activeRunId: error.activeRunId };
      }
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      this.logger.error(`${schedule.name}: could not trigger a run: ${reason}`);
      return { status: 'error', reason };
    }
  }
}
