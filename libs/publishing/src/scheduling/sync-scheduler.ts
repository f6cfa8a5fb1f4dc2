import { type AppConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import { type SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { type RunMode, type SyncRunEntity } from '@app/store';
import { SyncRunConflictError } from '../runs/sync-run.errors';
import { type SyncRunService } from '../runs/sync-run.service';
import { lastFireTime } from './last-fire-time';

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
  /** A full tick found an incremental or republish run active: it tries again once that ends. */
  | { status: 'deferred'; activeRunId: string }
  | { status: 'error'; reason: string };

/** How a deferred full run is tried again. */
export interface FullRunDeferral {
  /** Between tries. Default 60 s. */
  retryMs: number;
  /**
   * After the tick, when it gives up (the next full tick is the next chance). Default 12 h. A
   * full tick missed while no scheduler ran is made up at start within the same time.
   */
  giveUpAfterMs: number;
}

const DEFAULT_DEFERRAL: FullRunDeferral = { retryMs: 60_000, giveUpAfterMs: 12 * 3600_000 };

/** How far back the tick before a missed one is looked for (a monthly schedule's). */
const PREVIOUS_TICK_WINDOW_MS = 45 * 24 * 3600_000;

/** An error's first line, for a log line. */
function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

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
 * scheduler. A full tick is not lost to an incremental or republish run that holds the source
 * (an hourly incremental schedule would otherwise often take the weekly full run's minute, and
 * only full runs reconcile what vanished from the SIS): it tries again every minute until a full
 * run of the source has started since the tick, here or in another instance. Nothing of that
 * lives only in memory: at start, a full tick of the last 12 hours that no full run of its source
 * followed (the api was down at the tick, or restarted while the tick waited) is made up, when
 * the schedule was kept the time before (a new installation's first full run, or a schedule
 * just added or changed, is not made up) and no full run was active at the tick. The api app registers it; with several api instances every tick still starts at
 * most one run per source (the trigger is atomic).
 */
export class SyncScheduler {
  private readonly logger = new Logger('SyncScheduler');
  private readonly names: string[] = [];
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly deferral: FullRunDeferral;
  private stopped = false;
  /** Settles once `start` has looked for missed full ticks (and started their catch-up). */
  madeUp: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly runs: SyncRunService,
    private readonly config: Pick<AppConfig, 'sis'>,
    deferral: Partial<FullRunDeferral> = {},
  ) {
    this.deferral = { ...DEFAULT_DEFERRAL, ...deferral };
  }

  /**
   * Adds and starts the cron jobs, and makes up missed full ticks (in the background); returns
   * the schedules registered.
   */
  start(now: Date = new Date()): SyncSchedule[] {
    this.stopped = false;
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
    this.madeUp = Promise.all(
      schedules.filter((schedule) => schedule.mode === 'full').map((schedule) => this.makeUp(schedule, now)),
    ).then(() => undefined);
    return schedules;
  }

  /**
   * A full tick within the deferral window that was owed a run and got none: tried now. Owed
   * means the schedule was kept the time before (a cron full run started between the previous
   * tick and this one: a schedule added or changed since asks nothing of the past) and no full
   * run was active at the tick (that tick was skipped on purpose).
   */
  private async makeUp(schedule: SyncSchedule, now: Date): Promise<void> {
    const tickedAt = lastFireTime(schedule.cron, schedule.timeZone, now, this.deferral.giveUpAfterMs);
    if (tickedAt === undefined || this.stopped || this.gaveUp(schedule, tickedAt)) return;
    const previousTick = lastFireTime(
      schedule.cron,
      schedule.timeZone,
      new Date(tickedAt.getTime() - 1),
      PREVIOUS_TICK_WINDOW_MS,
    );
    if (previousTick === undefined) return;
    let recent: SyncRunEntity[];
    try {
      recent = await this.runs.list({ source: schedule.source, mode: 'full', limit: 10 });
    } catch (error) {
      this.logger.error(`${schedule.name}: could not check for a missed full run: ${firstLine(error)}`);
      // The same question again, not a deferred try: that would start a run no tick was owed.
      this.later(() => this.makeUp(schedule, now));
      return;
    }
    const [latest] = recent;
    if (latest === undefined || latest.createdAt.getTime() >= tickedAt.getTime() || this.stopped) return;
    if (latest.finishedAt === null || latest.finishedAt.getTime() > tickedAt.getTime()) return;
    const kept = recent.some(
      (run) =>
        run.trigger === 'cron' &&
        run.createdAt.getTime() >= previousTick.getTime() &&
        run.createdAt.getTime() < tickedAt.getTime(),
    );
    if (!kept) return;
    this.logger.warn(
      `${schedule.name}: no full run followed the tick of ${tickedAt.toISOString()} (no scheduler was running, or it waited for a busy source); starting it now`,
    );
    await this.retryFull(schedule, tickedAt);
  }

  /** When the latest full run of a source was created, if it has one. */
  private async latestFullRun(source: string): Promise<Date | undefined> {
    const [latest] = await this.runs.list({ source, mode: 'full', limit: 1 });
    return latest?.createdAt;
  }

  /** Stops and removes the jobs this scheduler added, and its deferred full runs. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    for (const name of this.names.splice(0)) {
      if (this.registry.doesExist('cron', name)) {
        void this.registry.getCronJob(name).stop();
        this.registry.deleteCronJob(name);
      }
    }
  }

  /** One tick: trigger, and report instead of throwing. */
  async tick(
    schedule: Pick<SyncSchedule, 'name' | 'source' | 'mode'>,
    tickedAt: Date = new Date(),
  ): Promise<TickOutcome> {
    try {
      const run = await this.runs.trigger({ source: schedule.source, mode: schedule.mode, trigger: 'cron' });
      this.logger.log(`${schedule.name}: started run ${run.id}`);
      return { status: 'triggered', runId: run.id };
    } catch (error) {
      if (error instanceof SyncRunConflictError) {
        if (schedule.mode === 'full' && (await this.holdsForAnotherMode(schedule, error.activeRunId))) {
          this.logger.warn(
            `${schedule.name}: run ${error.activeRunId} of the source is still active; the full run follows it`,
          );
          this.retryLater(schedule, tickedAt);
          return { status: 'deferred', activeRunId: error.activeRunId };
        }
        this.logger.warn(`${schedule.name}: skipped, run ${error.activeRunId} of the source is still active`);
        return { status: 'skipped', activeRunId: error.activeRunId };
      }
      const reason = firstLine(error);
      this.logger.error(`${schedule.name}: could not trigger a run: ${reason}`);
      return { status: 'error', reason };
    }
  }

  /**
   * Whether the run holding the source is not a full run (or is gone already); when the store
   * cannot say, it is taken as not full (the deferred try finds out).
   */
  private async holdsForAnotherMode(
    schedule: Pick<SyncSchedule, 'name'>,
    activeRunId: string,
  ): Promise<boolean> {
    try {
      const active = await this.runs.get(activeRunId);
      return active === null || active.mode !== 'full';
    } catch (error) {
      this.logger.error(`${schedule.name}: could not read run ${activeRunId}: ${firstLine(error)}`);
      return true;
    }
  }

  /** Past the deferral's end: logged once, by the try that finds it. */
  private gaveUp(schedule: Pick<SyncSchedule, 'name'>, tickedAt: Date): boolean {
    if (Date.now() - tickedAt.getTime() <= this.deferral.giveUpAfterMs) return false;
    this.logger.error(
      `${schedule.name}: gave up the full run of ${tickedAt.toISOString()}: the source stayed busy`,
    );
    return true;
  }

  private retryLater(schedule: Pick<SyncSchedule, 'name' | 'source' | 'mode'>, tickedAt: Date): void {
    this.later(() => this.retryFull(schedule, tickedAt));
  }

  /** `work` after the retry interval, unless stopped meanwhile. */
  private later(work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      void work();
    }, this.deferral.retryMs);
    timer.unref();
    this.retries.add(timer);
  }

  /** A deferred full tick tries again, unless a full run started since it or it waited too long. */
  private async retryFull(
    schedule: Pick<SyncSchedule, 'name' | 'source' | 'mode'>,
    tickedAt: Date,
  ): Promise<void> {
    if (this.stopped || this.gaveUp(schedule, tickedAt)) return;
    try {
      const latest = await this.latestFullRun(schedule.source);
      if (latest !== undefined && latest.getTime() >= tickedAt.getTime()) return;
    } catch (error) {
      this.logger.error(`${schedule.name}: could not check for a full run: ${firstLine(error)}`);
      this.retryLater(schedule, tickedAt);
      return;
    }
    if (this.stopped) return;
    const outcome = await this.tick(schedule, tickedAt);
    if (outcome.status === 'error') this.retryLater(schedule, tickedAt);
  }
}
