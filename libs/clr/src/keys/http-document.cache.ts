import CachePolicy from 'http-cache-semantics';

export interface HttpDocumentCacheOptions {
  /** Documents kept at most. Default 256. */
  maxEntries?: number;
  /** Characters of document text kept at most, all entries together. Default 64 Mi. */
  maxChars?: number;
}

/** How a response to a GET may be reused: from its headers, as they arrived. */
export type CacheDecision = CachePolicy;

interface Entry {
  policy: CachePolicy;
  text: string;
  storedAt: number;
}

/**
 * The documents a verifier fetched, reused while their server's `Cache-Control: max-age` (or
 * `Expires`) keeps them fresh, as a private HTTP cache does (RFC 9111, through
 * http-cache-semantics). Only explicit freshness counts: nothing is guessed from `Last-Modified`
 * or `immutable`, and `no-store`, `no-cache`, `must-revalidate` and answers without
 * freshness are fetched every time. Least recently used entries leave first.
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

  /**
   * The text of a fresh response to this GET, or undefined. `maxAgeMs` caps how long any answer
   * is reused, whatever its headers allow.
   */
  get(url: string, requestHeaders: Record<string, string>, maxAgeMs = Infinity): string | undefined {
    const entry = this.entries.get(url);
    if (entry === undefined) return undefined;
    this.entries.delete(url);
    if (
      Date.now() - entry.storedAt > maxAgeMs ||
      !entry.policy.satisfiesWithoutRevalidation(request(url, requestHeaders))
    ) {
      this.chars -= entry.text.length;
      return undefined;
    }
    this.entries.set(url, entry); // most recently used last
    return entry.text;
  }

  /**
   * How a response may be reused, read when its headers arrive (freshness counts from then, not
   * from when the body was read), or undefined when it may not be.
   */
  decide(url: string, requestHeaders: Record<string, string>, response: Response): CacheDecision | undefined {
    if (response.status !== 200) return undefined;
    const asked = request(url, requestHeaders);
    const policy = new CachePolicy(
      asked,
      { status: response.status, headers: Object.fromEntries(response.headers) },
      { shared: false, cacheHeuristic: 0, immutableMinTimeToLive: 0 },
    );
    // Only what a later request could be served from without asking the server again.
    return policy.storable() && policy.satisfiesWithoutRevalidation(asked) ? policy : undefined;
  }

  /** Keeps a document's text under its URL, with the decision {@link decide} made for it. */
  put(url: string, decision: CacheDecision, text: string): void {
    if (text.length > this.maxChars) return;
    const previous = this.entries.get(url);
    if (previous !== undefined) {
      this.entries.delete(url);
      this.chars -= previous.text.length;
    }
    this.entries.set(url, { policy: decision, text, storedAt: Date.now() });
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
