import CachePolicy from 'http-cache-semantics';

export interface HttpDocumentCacheOptions {
  /** Documents kept at most. Default 256. */
  maxEntries?: number;
  /** Characters of document text kept at most, all entries together. Default 64 Mi. */
  maxChars?: number;
}

interface Entry {
  policy: CachePolicy;
  text: string;
}

/**
 * The documents a verifier fetched, kept as long as their server's `Cache-Control` (or
 * `Expires`) says they stay fresh, as a private HTTP cache does (RFC 9111, through
 * http-cache-semantics): a key published with `max-age=86400` is fetched once a day, a revocation
 * list with `max-age=60` at most once a minute, and anything marked `no-store`, `no-cache` or
 * without freshness every time. Least recently used entries leave first.
 */
export class HttpDocumentCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private chars = 0;

  constructor(options: HttpDocumentCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 256;
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
  }

  /** The text of a fresh response to this GET, or undefined. */
  get(url: string, requestHeaders: Record<string, string>): string | undefined {
    const entry = this.entries.get(url);
    if (entry === undefined) return undefined;
    this.entries.delete(url);
    if (!entry.policy.satisfiesWithoutRevalidation(request(url, requestHeaders))) {
      this.chars -= entry.text.length;
      return undefined;
    }
    this.entries.set(url, entry); // most recently used last
    return entry.text;
  }

  /** Keeps a 200 answer to this GET if its headers allow it to be reused. */
  put(url: string, requestHeaders: Record<string, string>, response: Response, text: string): void {
    const policy = new CachePolicy(
      request(url, requestHeaders),
      { status: response.status, headers: Object.fromEntries(response.headers) },
      { shared: false },
    );
    if (response.status !== 200 || !policy.storable() || policy.timeToLive() <= 0) return;
    if (text.length > this.maxChars) return;
    const previous = this.entries.get(url);
    if (previous !== undefined) {
      this.entries.delete(url);
      this.chars -= previous.text.length;
    }
    this.entries.set(url, { policy, text });
    this.chars += text.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= entry.text.length;
    }
  }

  /** Documents kept now. */
  get size(): number {
    return this.entries.size;
  }
}

function request(url: string, headers: Record<string, string>): CachePolicy.HttpRequest {
  return { url, method: 'GET', headers };
}
