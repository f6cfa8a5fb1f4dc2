import { Client, type CustomTypesConfig, types } from 'pg';

/** OID of PostgreSQL's `timestamp without time zone`. */
const TIMESTAMP_OID = 1114;

/**
 * `2024-05-01 13:04:05.123`: the UTC wall-clock time of a Date, with no offset. A
 * `timestamp without time zone` column ignores any offset in its input, so sending the
 * offset pg would normally add (the process's local zone) would store local time instead of UTC.
 */
export function toUtcTimestampLiteral(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    pad(date.getUTCMilliseconds(), 3)
  );
}

const TIMESTAMP_TEXT = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;
const defaultTimestampParser = types.getTypeParser(TIMESTAMP_OID, 'text') as (text: string) => unknown;

/** Reads a `timestamp without time zone` as UTC (pg's default reads it as local time). */
export function parseUtcTimestamp(text: string): unknown {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return defaultTimestampParser(text); // 'infinity', BC dates: never written by the store
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), millis);
  return date;
}

/** Type parsers for a pg pool: `timestamp` as UTC, everything else as pg parses it. */
const defaultParserFor = types.getTypeParser.bind(types) as (
  oid: number,
  format: 'text' | 'binary',
) => unknown;

export const UTC_TIMESTAMP_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? parseUtcTimestamp
      : defaultParserFor(oid, format ?? 'text')) as CustomTypesConfig['getTypeParser'],
};

function toUtcParameter(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? toUtcTimestampLiteral(value) : value;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with apply() in utcQuery
const baseQuery = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;

function utcQuery(this: Client, ...args: unknown[]): unknown {
  const [first, second] = args;
  if (Array.isArray(second)) {
    args[1] = second.map(toUtcParameter);
  } else if (
    typeof first === 'object' &&
    first !== null &&
    Array.isArray((first as { values?: unknown }).values)
  ) {
    const config = first as { values: unknown[] };
    args[0] = { ...config, values: config.values.map(toUtcParameter) };
  }
  return baseQuery.apply(this, args);
}

/**
 * A pg client that sends Date parameters as UTC wall-clock literals. Given to the store's pool
 * only (pg's own switch for this, `defaults.parseInputDatesAsUTC`, is process-wide and would
 * change how every other pg user in the process, such as a PostgreSQL SIS, binds dates).
 */
export class UtcTimestampPgClient extends Client {}
Object.defineProperty(UtcTimestampPgClient.prototype, 'query', {
  value: utcQuery,
  writable: true,
  configurable: true,
});
