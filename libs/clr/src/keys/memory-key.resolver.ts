import type { CryptographicKey, Profile, RevocationList } from '../model';
import {
  KeyResolutionError,
  readCryptographicKeyDocument,
  readRevocationListDocument,
  type KeyResolver,
} from './key-resolver';

export interface MemoryKeyResolverInit {
  keys?: Iterable<CryptographicKey>;
  revocationLists?: Iterable<RevocationList>;
  /** Hosted Profiles; when absent, `getProfile` answers `undefined` for every id. */
  profiles?: Iterable<Profile>;
}

/** Documents held in memory, matched by `id`: for tests and for documents already at hand. */
export class MemoryKeyResolver implements KeyResolver {
  private readonly keys = new Map<string, CryptographicKey>();
  private readonly lists = new Map<string, RevocationList>();
  private readonly profiles = new Map<string, Profile>();

  constructor(init: MemoryKeyResolverInit = {}) {
    for (const key of init.keys ?? []) this.addKey(key);
    for (const list of init.revocationLists ?? []) this.addRevocationList(list);
    for (const profile of init.profiles ?? []) this.profiles.set(profile.id, profile);
  }

  addKey(key: CryptographicKey): this {
    this.keys.set(key.id, key);
    return this;
  }

  addRevocationList(list: RevocationList): this {
    this.lists.set(list.id, list);
    return this;
  }

  addProfile(profile: Profile): this {
    this.profiles.set(profile.id, profile);
    return this;
  }

  getKey(url: string): Promise<CryptographicKey> {
    const key = this.keys.get(url);
    if (key === undefined)
      return Promise.reject(new KeyResolutionError('not-found', url, `no key document with id ${url}`));
    try {
      return Promise.resolve(readCryptographicKeyDocument(key, url));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  getRevocationList(url: string): Promise<RevocationList> {
    const list = this.lists.get(url);
    if (list === undefined) {
      return Promise.reject(new KeyResolutionError('not-found', url, `no revocation list with id ${url}`));
    }
    try {
      return Promise.resolve(readRevocationListDocument(list, url));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  getProfile(id: string): Promise<Profile | undefined> {
    return Promise.resolve(this.profiles.get(id));
  }
}
