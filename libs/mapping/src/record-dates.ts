/** Years outside this range are taken for data-entry errors (e.g. 0024 or 2924). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export type DateCheck = { ok: true; value: string } | { ok: false; reason: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function yearProblem(year: number): string | undefined {
  if (year < MIN_YEAR) return `year before ${MIN_YEAR}`;
  if (year > MAX_YEAR) return `year after ${MAX_YEAR}`;
  return undefined;
}

/**
 * Checks a SIS date (`YYYY-MM-DD`): a real calendar day (no 2024-02-30) in [1900, 2100]. The
 * reason names what is wrong, never the value.
 */
export function checkDate(value: string): DateCheck {
  const match = DATE.exec(value);
  if (match === null) return { ok: false, reason: 'is not a YYYY-MM-DD date' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDay(year, month, day)) return { ok: false, reason: 'is not a calendar date' };
  const problem = yearProblem(year);
  return problem === undefined ? { ok: true, value } : { ok: false, reason: `has a ${problem}` };
}

/**
 * Checks an ISO 8601 timestamp with a zone and returns it in UTC (`...Z`, milliseconds only when
 * present), so the same instant always prints the same way.
 */
export function checkTimestamp(value: string): DateCheck {
  const match = TIMESTAMP.exec(value);
  if (match === null) return { ok: false, reason: 'is not an ISO 8601 timestamp with a time zone' };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: 'is not a calendar date and time' };
  }
  const problem = yearProblem(year);
  if (problem !== undefined) return { ok: false, reason: `has a ${problem}` };
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return { ok: false, reason: 'is not a calendar date and time' };
  const iso = instant.toISOString();
  return { ok: true, value: instant.getUTCMilliseconds() === 0 ? iso.replace('.000Z', 'Z') : iso };
}

/** A calendar date as a CLR DateTime: midnight UTC of that day. */
export function dateToDateTime(date: string): string {
  return `${date}T00:00:00Z`;
}

/** Compares two normalised UTC DateTimes (same format) chronologically. */
export function compareDateTimes(a: string, b: string): number {
  return new Date(a).getTime() - new Date(b).getTime();
}
