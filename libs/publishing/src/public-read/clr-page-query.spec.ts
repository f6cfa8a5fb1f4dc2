import { parseClrPageQuery } from './clr-page-query';

describe('parseClrPageQuery', () => {
  it('defaults to the first 100 and reads limit, offset and since', () => {
    expect(parseClrPageQuery({})).toEqual({ ok: true, query: { limit: 100, offset: 0 } });
    expect(parseClrPageQuery({ limit: '1000', offset: '2147483647' })).toEqual({
      ok: true,
      query: { limit: 1000, offset: 2147483647 },
    });
    // No largest limit in CLR 1.0: a larger one gets a page of 1000.
    expect(parseClrPageQuery({ limit: '5000' })).toEqual({ ok: true, query: { limit: 1000, offset: 0 } });
    const since = parseClrPageQuery({ since: '2024-06-04T02:00:00.5+02:00' });
    expect(since.ok && since.query.since?.toISOString()).toBe('2024-06-04T00:00:00.500Z');
  });

  it('reads an unencoded "+" offset that arrived as a space', () => {
    const since = parseClrPageQuery({ since: '2024-06-04T02:00:00 02:00' });
    expect(since.ok && since.query.since?.toISOString()).toBe('2024-06-04T00:00:00.000Z');
  });

  it.each([
    [{ limit: '0' }, 'limit must be an integer from 1 to 2147483647'],
    [{ limit: '2147483648' }, 'limit must be an integer from 1 to 2147483647'],
    [{ limit: '1.5' }, 'limit must be an integer from 1 to 2147483647'],
    [{ limit: '' }, 'limit must be an integer from 1 to 2147483647'],
    [{ offset: '-1' }, 'offset must be an integer from 0 to 2147483647'],
    [{ offset: '2147483648' }, 'offset must be an integer from 0 to 2147483647'],
    [{ offset: '99999999999' }, 'offset must be an integer from 0 to 2147483647'],
    [{ limit: ['1', '2'] }, 'limit must be given once'],
    [{ since: ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'] }, 'since must be given once'],
  ])('refuses %j: %s', (query, problem) => {
    expect(parseClrPageQuery(query)).toEqual({ ok: false, problem });
  });

  it.each(['2024-06-01T00:00:00', '2024-06-01', '2024-02-30T00:00:00Z', 'yesterday', '2024-06-01T25:00:00Z'])(
    'refuses since=%s (not a date-time with a zone) without echoing it',
    (since) => {
      const result = parseClrPageQuery({ since });
      expect(result).toEqual({
        ok: false,
        problem: 'since must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T00:00:00Z',
      });
    },
  );
});
