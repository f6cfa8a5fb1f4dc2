import { UTC_TIMESTAMP_TYPES, parseUtcTimestamp, toUtcTimestampLiteral } from './pg-utc-client';

describe('PostgreSQL UTC timestamps', () => {
  it('writes the UTC wall-clock time of a Date, without an offset', () => {
    expect(toUtcTimestampLiteral(new Date('2024-03-10T07:08:09.123Z'))).toBe('2024-03-10 07:08:09.123');
    expect(toUtcTimestampLiteral(new Date('0999-01-02T03:04:05.006Z'))).toBe('0999-01-02 03:04:05.006');
  });

  it('reads a timestamp without time zone as UTC, whatever its fraction', () => {
    expect((parseUtcTimestamp('2024-03-10 07:08:09.123') as Date).toISOString()).toBe(
      '2024-03-10T07:08:09.123Z',
    );
    expect((parseUtcTimestamp('2024-03-10 07:08:09') as Date).toISOString()).toBe('2024-03-10T07:08:09.000Z');
    expect((parseUtcTimestamp('2024-03-10 07:08:09.5') as Date).toISOString()).toBe(
      '2024-03-10T07:08:09.500Z',
    );
    expect((parseUtcTimestamp('2024-03-10 07:08:09.123456') as Date).toISOString()).toBe(
      '2024-03-10T07:08:09.123Z',
    );
  });

  it('leaves values it does not write to pg', () => {
    expect(parseUtcTimestamp('infinity')).toBe(Infinity);
  });

  it('parses only `timestamp` (OID 1114) differently', () => {
    expect(UTC_TIMESTAMP_TYPES.getTypeParser(1114, 'text')).toBe(parseUtcTimestamp);
    const intParser = UTC_TIMESTAMP_TYPES.getTypeParser(23, 'text') as (text: string) => unknown;
    expect(intParser('42')).toBe(42);
    const timestamptz = UTC_TIMESTAMP_TYPES.getTypeParser(1184, 'text') as (text: string) => unknown;
    expect((timestamptz('2024-03-10 07:08:09+02') as Date).toISOString()).toBe('2024-03-10T05:08:09.000Z');
  });
});
