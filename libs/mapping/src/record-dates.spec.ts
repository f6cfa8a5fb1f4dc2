import { checkDate, checkTimestamp } from './record-dates';

describe('checkDate', () => {
  it.each(['2024-02-29', '1900-01-01', '2100-12-31', '2024-12-13'])('accepts %s', (value) => {
    expect(checkDate(value)).toEqual({ ok: true, value });
  });

  it.each([
    ['2024-02-30', 'is not a calendar date'],
    ['2023-02-29', 'is not a calendar date'],
    ['2024-13-01', 'is not a calendar date'],
    ['2024-00-10', 'is not a calendar date'],
    ['1899-12-31', 'has a year before 1900'],
    ['2101-01-01', 'has a year after 2100'],
    ['2024/01/01', 'is not a YYYY-MM-DD date'],
    ['2024-1-1', 'is not a YYYY-MM-DD date'],
    ['2024-01-01T00:00:00Z', 'is not a YYYY-MM-DD date'],
  ])('rejects %s: %s', (value, reason) => {
    expect(checkDate(value)).toEqual({ ok: false, reason });
  });
});

describe('checkTimestamp', () => {
  it('normalises to UTC, keeping milliseconds only when present', () => {
    expect(checkTimestamp('2024-12-20T10:00:00+02:00')).toEqual({ ok: true, value: '2024-12-20T08:00:00Z' });
    expect(checkTimestamp('2024-12-20T10:00:00.250Z')).toEqual({
      ok: true,
      value: '2024-12-20T10:00:00.250Z',
    });
  });

  it.each([
    ['2024-12-20T10:00:00', 'is not an ISO 8601 timestamp with a time zone'],
    ['2024-02-30T10:00:00Z', 'is not a calendar date and time'],
    ['2024-02-10T24:00:00Z', 'is not a calendar date and time'],
    ['1850-02-10T10:00:00Z', 'has a year before 1900'],
    ['yesterday', 'is not an ISO 8601 timestamp with a time zone'],
  ])('rejects %s: %s', (value, reason) => {
    expect(checkTimestamp(value)).toEqual({ ok: false, reason });
  });
});
