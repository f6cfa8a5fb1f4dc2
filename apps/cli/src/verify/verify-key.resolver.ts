import {
  type CryptographicKey,
  HttpKeyResolver,
  KeyResolutionError,
  type KeyResolver,
  LocalFileKeyResolver,
  type Profile,
  type RevocationList,
} from '@app/clr';
import { CliInputError, CliUsageError } from '../cli.errors';
import { displayUrl } from './document-source.reader';

/** Where `verify` takes keys from: `--keys <dir>`, `--keys <url>`, or wherever each signature points. */
export type KeySource = { type: 'dir'; path: string } | { type: 'url'; url: URL } | { type: 'web' };

/** `http(s)://...` is a URL, anything else a directory. */
export function parseKeySource(argument: string | undefined): KeySource {
  if (argument === undefined) return { type: 'web' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(argument)) {
    let url: URL;
    try {
      url = new URL(argument);
    } catch {
      throw new CliUsageError('--keys is neither a directory nor a valid URL', 'verify');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new CliUsageError(`--keys takes a directory or an http(s) URL, not ${url.protocol}`, 'verify');
    }
    return { type: 'url', url };
  }
  return { type: 'dir', path: argument };
}

export interface VerifyResolverOptions {
  offline: boolean;
  /** Timeout of each key / revocation list request. */
  timeoutMs?: number;
}

/**
 * The resolver for `verify`:
 * - `--keys <dir>`: keys (and Profiles) only from the directory; revocation lists from the
 *   directory, else fetched (never with `--offline`, where a missing list is a warning);
 * - `--keys <url>`: keys fetched, but only those published under that URL (a trust anchor:
 *   a signature naming a key elsewhere fails); revocation lists fetched wherever they are;
 * - neither: every document fetched from the URL the signature names.
 * The directory is read up front, so a missing or broken one is a usage problem (exit 2),
 * not a finding on every signature.
 */
export async function createVerifyResolver(
  source: KeySource,
  options: VerifyResolverOptions,
): Promise<KeyResolver> {
  const web = () => new HttpKeyResolver({ timeoutMs: options.timeoutMs ?? 10_000 });
  switch (source.type) {
    case 'dir': {
      const local = new LocalFileKeyResolver({ directory: source.path });
      try {
        await local.load();
      } catch (error) {
        const reason = error instanceof KeyResolutionError ? error.message : 'it cannot be read';
        throw new CliInputError(`--keys ${source.path}: ${reason}`);
      }
      return new DirectoryFirstKeyResolver(local, options.offline ? undefined : web());
    }
    case 'url':
      return new TrustedLocationKeyResolver(web(), source.url);
    case 'web':
      return web();
  }
}

/** Keys and Profiles from a directory; revocation lists from it, then from the web if allowed. */
export class DirectoryFirstKeyResolver implements KeyResolver {
  constructor(
    private readonly local: LocalFileKeyResolver,
    private readonly fallback: KeyResolver | undefined,
  ) {}

  getKey(url: string): Promise<CryptographicKey> {
    return this.local.getKey(url);
  }

  async getRevocationList(url: string): Promise<RevocationList> {
    try {
      return await this.local.getRevocationList(url);
    } catch (error) {
      if (!(error instanceof KeyResolutionError) || error.code !== 'not-found') throw error;
      if (this.fallback === undefined) {
        throw new KeyResolutionError(
          'not-found',
          url,
          `no revocation list with id ${url} in --keys (offline)`,
        );
      }
      return this.fallback.getRevocationList(url);
    }
  }

  getProfile(id: string): Promise<Profile | undefined> {
    return this.local.getProfile(id);
  }
}

/** Fetches only keys published at or below one URL; revocation lists from anywhere. */
export class TrustedLocationKeyResolver implements KeyResolver {
  private readonly base: URL;

  constructor(
    private readonly inner: KeyResolver,
    base: URL,
  ) {
    this.base = new URL(base.href);
    this.base.search = '';
    this.base.hash = '';
  }

  getKey(url: string): Promise<CryptographicKey> {
    if (!this.covers(url)) {
      return Promise.reject(
        new KeyResolutionError(
          'refused-url',
          url,
          `key ${url} is not published under the trusted key location ${displayUrl(this.base)} (--keys)`,
        ),
      );
    }
    return this.inner.getKey(url);
  }

  getRevocationList(url: string): Promise<RevocationList> {
    return this.inner.getRevocationList(url);
  }

  /** Same origin, and the path is the base or below it (`/keys` covers `/keys/k1`, not `/keys-old/k1`). */
  covers(url: string): boolean {
    let candidate: URL;
    try {
      candidate = new URL(url);
    } catch {
      return false;
    }
    if (candidate.origin !== this.base.origin || candidate.username !== '' || candidate.password !== '') {
      return false;
    }
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return (
      candidate.pathname === basePath ||
      candidate.pathname === `${basePath}/` ||
      candidate.pathname.startsWith(`${basePath}/`)
    );
  }
}
