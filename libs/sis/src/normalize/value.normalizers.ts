/*
 * Raw driver values -> the record types' values. Drivers disagree: SQL Server hands back Date,
 * number and boolean; PostgreSQL (as configured here) and MySQL strings for dates, timestamps
 * and decimals; SQLite whatever was stored. Each function returns a result or a reason, never
 * throws, and never puts the value itself into the reason (it may be personal data).
 */

export type Normalized<T> = { ok: true; value: T | null } | { ok: false; reason: string };

const ok = <T>(value: T | null): Normalized<T> => ({ ok: true, value });
const fail = <T>(reason: string): Normalized<T> => ({ ok: false, reason });

/** Dates before/after these are impossible in a transcript (typos, sentinels like 0001-01-01). */
export const EARLIEST_YEAR = 1850;
export const LATEST_YEAR = 2199;

/** Text: trimmed; blank -> null; numbers and bigints as their decimal string. */
export function normalizeText(raw: unknown): Normalized<string> {
  if (raw === null || raw === undefined) return ok(null);
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else if (typeof raw === 'bigint') text = raw.toString();
  else if (Buffer.isBuffer(raw)) text = raw.toString('utf8');
  else return fail('is not text');
  const trimmed = text.trim();
  return ok(trimmed === '' ? null : trimmed);
}

/** A finite number from a number, a decimal string or a bigint. */
export function normalizeDecimal(raw: unknown): Normalized<number> {
  if (raw === null || raw === undefined) return ok(null);
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : fail('is not a finite number');
  if (typeof raw === 'bigint') return ok(Number(raw));
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return ok(null);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return fail('is not a number');
    const value = Number(text);
    return Number.isFinite(value) ? ok(value) : fail('is not a finite number');
  }
  return fail('is not a number');
}

/** bit/boolean, 0/1, and the strings true/false, 1/0, y/n, yes/no, t/f. */
export function normalizeBoolean(raw: unknown): Normalized<boolean> {
  if (raw === null || raw === undefined) return ok(null);
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    if (Number(raw) === 0) return ok(false);
    if (Number(raw) === 1) return ok(true);
    return fail('is not a boolean (0 or 1)');
  }
  if (Buffer.isBuffer(raw) && raw.length === 1) return ok(raw[0] !== 0);
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (text === '') return ok(null);
    if (['1', 'true', 't', 'y', 'yes'].includes(text)) return ok(true);
    if (['0', 'false', 'f', 'n', 'no'].includes(text)) return ok(false);
  }
  return fail('is not a boolean');
}

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function inRange(year: number): boolean {
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

/**
 * A calendar date as `YYYY-MM-DD`. Strings are taken at face value (a `date` column has no time
 * zone); a time part, if any, is ignored. A Date (SQL Server, read with useUTC) is read in UTC.
 */
export function normalizeDate(raw: unknown): Normalized<string> {
  if (raw === null || raw === undefined) return ok(null);
  let year: number, month: number, day: number;
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail('is not a valid date');
    year = raw.getUTCFullYear();
    month = raw.getUTCMonth() + 1;
    day = raw.getUTCDate();
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return ok(null);
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text);
    if (!match) return fail('is not a date (YYYY-MM-DD)');
    year = Number(match[1]);
    month = Number(match[2]);
    day = Number(match[3]);
  } else {
    return fail('is not a date');
  }
  if (!validCalendarDate(year, month, day)) return fail('is an impossible date');
  if (!inRange(year)) return fail(`is an impossible date (year outside ${EARLIEST_YEAR}-${LATEST_YEAR})`);
  return ok(`${pad(year, 4)}-${pad(month)}-${pad(day)}`);
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A point in time as ISO 8601 UTC (`2024-05-01T12:00:00.000Z`). Strings without an offset are
 * read as UTC (the contract's convention for `datetime2`/`timestamp`); offsets (`+02:00`, `+02`,
 * `Z`) are applied. Fractions beyond milliseconds are dropped.
 */
export function normalizeTimestamp(raw: unknown): Normalized<string> {
  if (raw === null || raw === undefined) return ok(null);
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail('is not a valid timestamp');
    if (!inRange(raw.getUTCFullYear())) return fail('is an impossible timestamp');
    return ok(raw.toISOString());
  }
  if (typeof raw !== 'string') return fail('is not a timestamp');
  const text = raw.trim();
  if (text === '') return ok(null);
  const match = TIMESTAMP.exec(text);
  if (!match) return fail('is not a timestamp (ISO 8601)');
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (!validCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return fail('is an impossible timestamp');
  }
  if (!inRange(year)) return fail('is an impossible timestamp');
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    time -= sign * offsetMinutes * 60_000;
  }
  return ok(new Date(time).toISOString());
}

/** Cuts text to at most `max` code points (never in the middle of a surrogate pair). */
export function truncateText(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

/** Length in code points, as NVARCHAR limits are meant by people. */
export function textLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
