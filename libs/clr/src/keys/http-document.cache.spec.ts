import { HttpDocumentCache } from './http-document.cache';

const ACCEPT = { accept: 'application/ld+json' };

function answer(cacheControl: string, status = 200): Response {
  return new Response(null, { status, headers: { 'cache-control': cacheControl } });
}

describe('HttpDocumentCache', () => {
  it('lets the least recently used document go first when it holds too many', () => {
    const cache = new HttpDocumentCache({ maxEntries: 2 });
    cache.put('https://a/1', ACCEPT, answer('max-age=600'), '"one"');
    cache.put('https://a/2', ACCEPT, answer('max-age=600'), '"two"');
    expect(cache.get('https://a/1', ACCEPT)).toBe('"one"'); // now the most recently used
    cache.put('https://a/3', ACCEPT, answer('max-age=600'), '"three"');
    expect(cache.size).toBe(2);
    expect(cache.get('https://a/2', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/1', ACCEPT)).toBe('"one"');
    expect(cache.get('https://a/3', ACCEPT)).toBe('"three"');
  });

  it('keeps text up to its size, and no document larger than all of it', () => {
    const cache = new HttpDocumentCache({ maxChars: 10 });
    cache.put('https://a/1', ACCEPT, answer('max-age=600'), '"12345"');
    cache.put('https://a/2', ACCEPT, answer('max-age=600'), '"6789"');
    expect(cache.get('https://a/1', ACCEPT)).toBeUndefined(); // 7 + 6 characters: the older left
    expect(cache.get('https://a/2', ACCEPT)).toBe('"6789"');
    cache.put('https://a/3', ACCEPT, answer('max-age=600'), '"far too long"');
    expect(cache.get('https://a/3', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/2', ACCEPT)).toBe('"6789"');
  });

  it('keeps only 200 answers whose headers give them freshness', () => {
    const cache = new HttpDocumentCache();
    cache.put('https://a/ok', ACCEPT, answer('max-age=600'), '1');
    cache.put('https://a/private', ACCEPT, answer('private, max-age=600'), '2');
    cache.put('https://a/gone', ACCEPT, answer('max-age=600', 410), '3');
    cache.put('https://a/stale', ACCEPT, answer('max-age=0'), '4');
    cache.put('https://a/stored-not', ACCEPT, answer('no-store, max-age=600'), '5');
    expect(cache.get('https://a/ok', ACCEPT)).toBe('1');
    // A verifier's cache is its own (private), so a private answer may be kept.
    expect(cache.get('https://a/private', ACCEPT)).toBe('2');
    expect(cache.get('https://a/gone', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/stale', ACCEPT)).toBeUndefined();
    expect(cache.get('https://a/stored-not', ACCEPT)).toBeUndefined();
  });
});
