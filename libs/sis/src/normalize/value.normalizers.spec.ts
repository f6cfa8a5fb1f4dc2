import {
  normalizeBoolean,
  normalizeDate,
  normalizeDecimal,
  normalizeText,
  normalizeTimestamp,
  truncateText,
} from './value.normalizers';

const value = (result: { ok: boolean; value?: unknown; reason?: string }) =>
  result.ok ? result.value : undefined;
const reason = (result: { ok: boolean; reason?: string }) => (result.ok ? undefined : result.reason);

describe('normalizeText', () => {
  it('trims, turns blank into null, and spells numbers as text', () => {
    expect(value(normalizeText("  Zoë O'Brien  "))).toBe("Zoë O'Brien");
    expect(value(normalizeText(' \t '))).toBeNull();
    expect(value(normalizeText(null))).toBeNull();
    expect(value(normalizeText(undefined))).toBeNull();
    expect(value(normalizeText(12345))).toBe('12345');
    expect(value(normalizeText(9007199254740993n))).toBe('9007199254740993');
    expect(value(normalizeText(Buffer.from('山田')))).toBe('山田');
  });

  it('rejects what is not text, without quoting it', () => {
    expect(reason(normalizeText({ secret: 'x' }))).toBe('is not text');
    expect(reason(normalizeText(Number.NaN))).toBe('is not text');
  });
});

describe('normalizeDecimal', () => {
  it('reads numbers, decimal strings (pg numeric, mysql decimal) and bigints', () => {
    expect(value(normalizeDecimal(3))).toBe(3);
    expect(value(normalizeDecimal('3.50'))).toBe(3.5);
    expect(value(normalizeDecimal(' -0.25 '))).toBe(-0.25);
    expect(value(normalizeDecimal('1e2'))).toBe(100);
    expect(value(normalizeDecimal(12n))).toBe(12);
    expect(value(normalizeDecimal(''))).toBeNull();
    expect(value(normalizeDecimal(null))).toBeNull();
  });

  it('rejects non-numbers and infinities', () => {
    expect(reason(normalizeDecimal('3,5'))).toBe('is not a number');
    expect(reason(normalizeDecimal('abc'))).toBe('is not a number');
    expect(reason(normalizeDecimal(Number.POSITIVE_INFINITY))).toBe('is not a finite number');
    expect(reason(normalizeDecimal(true))).toBe('is not a number');
  });
});

describe('normalizeBoolean', () => {
  it('reads bit, boolean, 0/1, one-byte buffers (MySQL BIT) and the usual words', () => {
    expect(value(normalizeBoolean(true))).toBe(true);
    expect(value(normalizeBoolean(0))).toBe(false);
    expect(value(normalizeBoolean(1))).toBe(true);
    expect(value(normalizeBoolean(Buffer.from([1])))).toBe(true);
    expect(value(normalizeBoolean(Buffer.from([0])))).toBe(false);
    expect(value(normalizeBoolean(' Y '))).toBe(true);
    expect(value(normalizeBoolean('false'))).toBe(false);
    expect(value(normalizeBoolean(null))).toBeNull();
  });

  it('rejects other values', () => {
    expect(reason(normalizeBoolean(2))).toBe('is not a boolean (0 or 1)');
    expect(reason(normalizeBoolean('maybe'))).toBe('is not a boolean');
  });
});

describe('normalizeDate', () => {
  it('gives YYYY-MM-DD from strings (time part ignored) and from UTC Dates', () => {
    expect(value(normalizeDate('2024-02-29'))).toBe('2024-02-29');
    expect(value(normalizeDate('2024-05-01 00:00:00'))).toBe('2024-05-01');
    expect(value(normalizeDate('2024-05-01T00:00:00.000Z'))).toBe('2024-05-01');
    expect(value(normalizeDate(new Date(Date.UTC(2023, 11, 31))))).toBe('2023-12-31');
    expect(value(normalizeDate('  '))).toBeNull();
  });

  it('reports impossible dates', () => {
    expect(reason(normalizeDate('2023-02-29'))).toBe('is an impossible date');
    expect(reason(normalizeDate('2024-13-01'))).toBe('is an impossible date');
    expect(reason(normalizeDate('0001-01-01'))).toMatch(/impossible date \(year outside 1850-2199\)/);
    expect(reason(normalizeDate('9999-12-31'))).toMatch(/year outside/);
    expect(reason(normalizeDate('05/01/2024'))).toBe('is not a date (YYYY-MM-DD)');
    expect(reason(normalizeDate(new Date(Number.NaN)))).toBe('is not a valid date');
    expect(reason(normalizeDate(20240501))).toBe('is not a date');
  });
});

describe('normalizeTimestamp', () => {
  it('reads UTC when no offset is given, applies offsets, keeps milliseconds', () => {
    expect(value(normalizeTimestamp('2024-05-01 10:00:00'))).toBe('2024-05-01T10:00:00.000Z');
    expect(value(normalizeTimestamp('2024-05-01T10:00:00.123456'))).toBe('2024-05-01T10:00:00.123Z');
    expect(value(normalizeTimestamp('2024-05-01T10:00:00+02:00'))).toBe('2024-05-01T08:00:00.000Z');
    expect(value(normalizeTimestamp('2024-05-01 10:00:00.5-05'))).toBe('2024-05-01T15:00:00.500Z');
    expect(value(normalizeTimestamp('2024-05-01 10:00:00+0530'))).toBe('2024-05-01T04:30:00.000Z');
    expect(value(normalizeTimestamp('2024-05-01T10:00:00Z'))).toBe('2024-05-01T10:00:00.000Z');
    expect(value(normalizeTimestamp('2024-05-01'))).toBe('2024-05-01T00:00:00.000Z');
    expect(value(normalizeTimestamp(new Date('2024-05-01T10:00:00.000Z')))).toBe('2024-05-01T10:00:00.000Z');
  });

  it('reports what is not a possible point in time', () => {
    expect(reason(normalizeTimestamp('2024-05-01 25:00:00'))).toBe('is an impossible timestamp');
    expect(reason(normalizeTimestamp('2023-02-30 10:00:00'))).toBe('is an impossible timestamp');
    expect(reason(normalizeTimestamp('yesterday'))).toBe('is not a timestamp (ISO 8601)');
    expect(reason(normalizeTimestamp(1714557600))).toBe('is not a timestamp');
  });
});

describe('truncateText', () => {
  it('cuts by code points, never inside a surrogate pair', () => {
    expect(truncateText('a😀b', 2)).toBe('a😀');
    expect(truncateText('山田太郎', 2)).toBe('山田');
  });
});
