import { CLR_MEDIA_TYPE, type CryptographicKey, type Profile, type RevocationList } from '../model';
import { HttpDocumentCache } from './http-document.cache';
import {
  KeyResolutionError,
  readCryptographicKeyDocument,
  readRevocationListDocument,
  type KeyResolver,
} from './key-resolver';

export interface HttpKeyResolverOptions {
  /** Whole-request timeout (connect, headers and body). Default 10 s. */
  timeoutMs?: number;
  /** Largest key document accepted. Default 64 KiB. */
  maxKeyBytes?: number;
  /** Largest revocation list or profile accepted. Default 32 MiB. */
  maxDocumentBytes?: number;
  /** Redirects followed, each re-checked against the URL policy. Default 3. */
  maxRedirects?: number;
  /**
   * Allow plain `http:` to hosts other than loopback. Default false: keys fetched over plain
   * HTTP could be swapped in transit, which would make every signature check meaningless.
   */
  allowInsecureHttp?: boolean;
  /** Also fetch issuer Profiles by id (`getProfile`) for the key linkage check. Default false. */
  resolveProfiles?: boolean;
  /**
   * Documents kept between verifications while their `Cache-Control` (or `Expires`) says they
   * are fresh: this publisher's api sends a day for keys, a minute for revocation lists. Default:
   * a cache of this resolver's own; `false` fetches every time. Resolvers sharing one cache
   * should share their options too (a document is kept under the URL it was asked for).
   */
  cache?: HttpDocumentCache | false;
  /**
   * Longest a revocation list is reused, whatever its headers allow (a revocation must not stay
   * hidden for long). Default 5 minutes.
   */
  maxRevocationListAgeMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Fetches key, revocation list and (optionally) Profile documents over HTTPS, reusing a document
 * while its server's caching headers allow.
 */
export class HttpKeyResolver implements KeyResolver {
  private readonly timeoutMs: number;
  private readonly maxKeyBytes: number;
  private readonly maxDocumentBytes: number;
  private readonly maxRedirects: number;
  private readonly allowInsecureHttp: boolean;
  private readonly fetchImpl: typeof fetch;
  private readonly cache: HttpDocumentCache | undefined;
  private readonly maxRevocationListAgeMs: number;
  readonly getProfile?: (id: string) => Promise<Profile | undefined>;

  constructor(options: HttpKeyResolverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxKeyBytes = options.maxKeyBytes ?? 64 * 1024;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 32 * 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.allowInsecureHttp = options.allowInsecureHttp ?? false;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.cache = options.cache === false ? undefined : (options.cache ?? new HttpDocumentCache());
    this.maxRevocationListAgeMs = options.maxRevocationListAgeMs ?? 300_000;
    if (options.resolveProfiles === true) {
      this.getProfile = (id) => this.fetchProfile(id);
    }
  }

  async getKey(url: string): Promise<CryptographicKey> {
    return readCryptographicKeyDocument(await this.fetchJson(url, this.maxKeyBytes), url);
  }

  async getRevocationList(url: string): Promise<RevocationList> {
    return readRevocationListDocument(
      await this.fetchJson(url, this.maxDocumentBytes, this.maxRevocationListAgeMs),
      url,
    );
  }

  private async fetchProfile(id: string): Promise<Profile | undefined> {
    // A Profile id need not be a URL ("If the IRI is a URL it must resolve to a Profile").
    if (!/^https?:\/\//i.test(id)) return undefined;
    const value = await this.fetchJson(id, this.maxDocumentBytes);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new KeyResolutionError('invalid-document', id, `profile document is not a JSON object (${id})`);
    }
    const profile = value as Profile;
    if (profile.id !== id) throw new KeyResolutionError('id-mismatch', id, `profile at ${id} has another id`);
    return profile;
  }

  /** The JSON at `url`; a cached copy is reused while fresh, for at most `maxAgeMs`. */
  private async fetchJson(url: string, maxBytes: number, maxAgeMs = Infinity): Promise<unknown> {
    let current = this.checkUrl(url, url);
    const headers = { accept: `${CLR_MEDIA_TYPE}, application/json;q=0.9` };
    const cached = this.cache?.get(url, headers, maxAgeMs);
    // Kept by another kind of request for the same URL, perhaps under a larger limit.
    if (cached !== undefined && Buffer.byteLength(cached, 'utf8') <= maxBytes)
      return JSON.parse(cached) as unknown;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      for (let redirects = 0; ; redirects += 1) {
        const response = await this.fetchImpl(current, {
          method: 'GET',
          headers,
          redirect: 'manual',
          signal,
        });
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel();
          if (redirects >= this.maxRedirects) {
            throw new KeyResolutionError(
              'refused',
              url,
              `more than ${this.maxRedirects} redirects fetching ${url}`,
            );
          }
          current = this.checkUrl(new URL(response.headers.get('location') ?? '', current).href, url);
          continue;
        }
        if (response.status === 404 || response.status === 410) {
          await response.body?.cancel();
          throw new KeyResolutionError('not-found', url, `HTTP ${response.status} fetching ${url}`);
        }
        if (!response.ok) {
          await response.body?.cancel();
          const passing = response.status >= 500 || response.status === 429;
          throw new KeyResolutionError(
            passing ? 'unavailable' : 'refused',
            url,
            `HTTP ${response.status} fetching ${url}`,
          );
        }
        // Only an answer from the URL asked for: a redirect's own lifetime is not known here.
        const decision = redirects === 0 ? this.cache?.decide(url, headers, response) : undefined;
        const text = await readLimited(response, maxBytes, url);
        let document: unknown;
        try {
          document = JSON.parse(text) as unknown;
        } catch {
          throw new KeyResolutionError('invalid-document', url, `response from ${url} is not JSON`);
        }
        if (decision !== undefined) this.cache?.put(url, decision, text);
        return document;
      }
    } catch (error) {
      if (error instanceof KeyResolutionError) throw error;
      if (signal.aborted) {
        throw new KeyResolutionError(
          'timeout',
          url,
          `no complete response from ${url} within ${this.timeoutMs} ms`,
        );
      }
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail =
        typeof cause?.code === 'string'
          ? cause.code
          : typeof cause?.message === 'string'
            ? cause.message.slice(0, 100)
            : undefined;
      throw new KeyResolutionError(
        'unavailable',
        url,
        `could not fetch ${url}${detail !== undefined ? ` (${detail})` : ''}`,
      );
    }
  }

  private checkUrl(candidate: string, requested: string): string {
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new KeyResolutionError('refused-url', requested, `not an absolute URL: ${requested}`);
    }
    if (parsed.protocol === 'https:') return parsed.href;
    if (parsed.protocol === 'http:' && (this.allowInsecureHttp || isLoopbackHost(parsed.hostname)))
      return parsed.href;
    throw new KeyResolutionError(
      'refused-url',
      requested,
      `refusing ${parsed.protocol} URL ${parsed.href}: keys and revocation lists must be fetched over https`,
    );
  }
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new KeyResolutionError(
      'too-large',
      url,
      `response from ${url} declares ${declared} bytes (limit ${maxBytes})`,
    );
  }
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new KeyResolutionError('too-large', url, `response from ${url} exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
