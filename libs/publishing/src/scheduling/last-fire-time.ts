import { CronTime } from 'cron';

/** Fire times looked at, at most, going forward through the window (a cron every second for 12 h). */
const MAX_STEPS = 50_000;

/**
 * The latest time `cron` fired in `timeZone` within `(now - windowMs, now]`, or undefined when
 * it did not fire in that window. Computed with the scheduler's own cron library, so it agrees
 * with the ticks the scheduler runs.
 */
export function lastFireTime(cron: string, timeZone: string, now: Date, windowMs: number): Date | undefined {
  const time = new CronTime(cron, timeZone);
  let last: Date | undefined;
  let from = new Date(now.getTime() - windowMs);
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const next = time.getNextDateFrom(from, timeZone).toJSDate();
    if (next.getTime() > now.getTime()) return last;
    last = next;
    from = next;
  }
  return last;
}
