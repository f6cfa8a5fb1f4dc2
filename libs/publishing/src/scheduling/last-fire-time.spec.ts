import { lastFireTime } from './last-fire-time';

const HOUR = 3600_000;

describe('lastFireTime', () => {
  it("finds the latest fire time in the window, in the schedule's time zone", () => {
    // Sundays 03:00 in Chicago: 09:00 UTC in November (CST).
    const now = new Date('2026-11-29T15:30:00Z');
    expect(lastFireTime('0 3 * * 0', 'America/Chicago', now, 12 * HOUR)).toEqual(
      new Date('2026-11-29T09:00:00Z'),
    );
    expect(lastFireTime('*/15 * * * *', 'UTC', now, 12 * HOUR)).toEqual(new Date('2026-11-29T15:30:00Z'));
    expect(lastFireTime('*/15 * * * *', 'UTC', new Date('2026-11-29T15:44:59Z'), HOUR)).toEqual(
      new Date('2026-11-29T15:30:00Z'),
    );
  });

  it('finds nothing when the schedule did not fire within the window', () => {
    const now = new Date('2026-11-29T21:30:00Z');
    expect(lastFireTime('0 3 * * 0', 'America/Chicago', now, 12 * HOUR)).toBeUndefined();
    expect(
      lastFireTime('0 3 * * 0', 'America/Chicago', new Date('2026-11-29T08:59:00Z'), 12 * HOUR),
    ).toBeUndefined();
  });
});
