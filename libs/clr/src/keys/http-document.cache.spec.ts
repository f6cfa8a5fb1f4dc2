import { HttpDocumentCache } from './http-document.cache';

const ACCEPT = { accept: 'application/ld+json' };

/** Offers the cache a response with these headers, as the resolver does. */
function offer(
  cache: HttpDocumentCache,
  url: string,
  headers: Record<string, string>,
  text: string,
  status = 200,
): void {
  const decision = cache.decide(url, ACCEPT, new Response(null, { status, headers }));
  if (decision !== undefined) cache.put(url, decision, text);
}

const fresh = { 'cache-control': 'max-age=600' };

describe('HttpDocumentCache', () => {
  it('lets the least recently used document go first when it holds too many', () => {
    const cache = new HttpDocumentCache({ maxEntries: 2 });
    offer(cache, 'https://a/1', fresh, '"one"');
    offer(cache, 'https://a/2', fresh, '"two"');
    expect(cache.get('https://a/1', ACCEPT)).toBe('"one"'); // now the most recently used
    offer(cache, 'https://a/3', fresh, '"three"');
    expect(cache.size).toBe(2);
    expect(cache.get('https://a/2', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/1', ACCEPT)).toBe('"one"');
    expect(cache.get('https://a/3', ACCEPT)).toBe('"three"');
  });

  it('keeps text up to its size, and no document larger than all of it', () => {
    const cache = new HttpDocumentCache({ maxChars: 10 });
    offer(cache, 'https://a/1', fresh, '"12345"');
    offer(cache, 'https://a/2', fresh, '"6789"');
    expect(cache.get('https://a/1', ACCEPT)).toBeUndefined(); // 7 + 6 characters: the older left
    expect(cache.get('https://a/2', ACCEPT)).toBe('"6789"');
    offer(cache, 'https://a/3', fresh, '"far too long"');
    expect(cache.get('https://a/3', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/2', ACCEPT)).toBe('"6789"');
  });

  it.each([
    ['max-age', true, { 'cache-control': 'max-age=600' }],
    [
      'Expires in the future',
      true,
      { date: new Date().toUTCString(), expires: new Date(Date.now() + 600_000).toUTCString() },
    ],
    ['private (a verifier keeps its own cache)', true, { 'cache-control': 'private, max-age=600' }],
    ['must-revalidate (always asked again)', false, { 'cache-control': 'max-age=600, must-revalidate' }],
    ['max-age=0', false, { 'cache-control': 'max-age=0' }],
    ['no-store', false, { 'cache-control': 'no-store, max-age=600' }],
    ['no-cache', false, { 'cache-control': 'no-cache, max-age=600' }],
    ['no freshness at all', false, {}],
    [
      'only Last-Modified (no guessed freshness)',
      false,
      { 'last-modified': new Date(Date.now() - 100 * 86_400_000).toUTCString() },
    ],
    ['only immutable', false, { 'cache-control': 'immutable' }],
    ['only stale-while-revalidate', false, { 'cache-control': 'max-age=0, stale-while-revalidate=600' }],
  ])('an answer with %s: kept %s', (_name, kept: boolean, headers: Record<string, string>) => {
    const cache = new HttpDocumentCache();
    offer(cache, 'https://a/doc', headers, '1');
    expect(cache.get('https://a/doc', ACCEPT)).toBe(kept ? '1' : undefined);
    expect(cache.size).toBe(kept ? 1 : 0);
  });

  it('keeps no answer but a 200', () => {
    const cache = new HttpDocumentCache();
    offer(cache, 'https://a/gone', fresh, '1', 410);
    expect(cache.size).toBe(0);
  });

  it('serves nothing older than the age its caller allows, whatever the headers say', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    try {
      const cache = new HttpDocumentCache();
      offer(cache, 'https://a/list', { 'cache-control': 'max-age=31536000' }, '1');
      jest.setSystemTime(Date.now() + 299_000);
      expect(cache.get('https://a/list', ACCEPT, 300_000)).toBe('1');
      jest.setSystemTime(Date.now() + 2_000);
      expect(cache.get('https://a/list', ACCEPT, 300_000)).toBeUndefined();
      expect(cache.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
