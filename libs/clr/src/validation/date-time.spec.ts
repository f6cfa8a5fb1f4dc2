import { parseDateTime } from './date-time';

describe('parseDateTime', () => {
  it.each([
    '2021-01-14T09:30:00Z',
    '2021-01-14t09:30:00z',
    '2020-02-29T23:59:60.123+14:00',
    '2021-06-30T09:00:00-05:00',
  ])('reads %s with its zone', (value) => expect(parseDateTime(value)).toEqual({ hasZone: true }));

  it('reads a date-time without zone as such', () => {
    expect(parseDateTime('2021-01-14T09:30:00')).toEqual({ hasZone: false });
    expect(parseDateTime('2021-01-14T09:30:00.5')).toEqual({ hasZone: false });
  });

  it.each([
    '2021-01-14',
    '2021-01-14 09:30:00Z',
    '2021-02-29T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-04-31T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2021-01-14T24:00:00Z',
    '2021-01-14T09:30:00+0100',
    '2021-01-14T09:30:00+24:00',
    '2021-01-14T09:30Z',
  ])('rejects %s', (value) => expect(parseDateTime(value)).toBeUndefined());
});
