import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CryptographicKey, Profile, RevocationList } from '../model';
import {
  KeyResolutionError,
  readCryptographicKeyDocument,
  readRevocationListDocument,
  type KeyResolver,
} from './key-resolver';

export interface LocalFileKeyResolverOptions {
  /** Directory (searched recursively) of `.json` / `.jsonld` documents. */
  directory: string;
  /** Largest file read. Default 32 MiB. */
  maxFileBytes?: number;
}

interface Index {
  keys: Map<string, CryptographicKey>;
  lists: Map<string, RevocationList>;
  profiles: Map<string, Profile>;
}

/**
 * Key, revocation list and Profile documents from a local directory, matched by their `id`
 * (not by file name), for offline verification. A document is a key when it has
 * `publicKeyPem`, a revocation list when it has `issuer` and `revokedAssertions` (or type
 * `RevocationList`), a Profile when its type is `Profile`; other JSON files are ignored.
 * The directory is read once, on first use.
 */
export class LocalFileKeyResolver implements KeyResolver {
  private index?: Promise<Index>;
  private readonly maxFileBytes: number;

  constructor(private readonly options: LocalFileKeyResolverOptions) {
    this.maxFileBytes = options.maxFileBytes ?? 32 * 1024 * 1024;
  }

  async getKey(url: string): Promise<CryptographicKey> {
    const key = (await this.load()).keys.get(url);
    if (key === undefined)
      throw new KeyResolutionError('not-found', url, `no key document with id ${url} in the key directory`);
    return key;
  }

  async getRevocationList(url: string): Promise<RevocationList> {
    const list = (await this.load()).lists.get(url);
    if (list === undefined) {
      throw new KeyResolutionError(
        'not-found',
        url,
        `no revocation list with id ${url} in the key directory`,
      );
    }
    return list;
  }

  async getProfile(id: string): Promise<Profile | undefined> {
    return (await this.load()).profiles.get(id);
  }

  /** Reads the directory (once). A broken file fails every lookup, naming the file: fix it. */
  load(): Promise<Index> {
    this.index ??= this.readDirectory();
    return this.index;
  }

  private async readDirectory(): Promise<Index> {
    const index: Index = { keys: new Map(), lists: new Map(), profiles: new Map() };
    const root = this.options.directory;
    for (const path of await listJsonFiles(root)) {
      const name = relative(root, path);
      const size = (await stat(path)).size;
      if (size > this.maxFileBytes) {
        throw new KeyResolutionError(
          'too-large',
          name,
          `key directory file ${name} is ${size} bytes (limit ${this.maxFileBytes})`,
        );
      }
      let value: unknown;
      try {
        value = JSON.parse(await readFile(path, 'utf8')) as unknown;
      } catch {
        throw new KeyResolutionError('invalid-document', name, `key directory file ${name} is not JSON`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const record = value as Record<string, unknown>;
      const id = record.id;
      if (typeof id !== 'string') continue;
      if ('publicKeyPem' in record) {
        addOnce(index.keys, id, readCryptographicKeyDocument(record, id), name);
      } else if ('issuer' in record && ('revokedAssertions' in record || record.type === 'RevocationList')) {
        addOnce(index.lists, id, readRevocationListDocument(record, id), name);
      } else if (record.type === 'Profile') {
        addOnce(index.profiles, id, record as unknown as Profile, name);
      }
    }
    return index;
  }
}

function addOnce<T>(map: Map<string, T>, id: string, value: T, file: string): void {
  if (map.has(id))
    throw new KeyResolutionError(
      'invalid-document',
      id,
      `key directory has two documents with id ${id} (${file})`,
    );
  map.set(id, value);
}

async function listJsonFiles(directory: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    throw new KeyResolutionError('unavailable', directory, `key directory ${directory} cannot be read`);
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listJsonFiles(path)));
    else if (entry.isFile() && /\.(json|jsonld)$/i.test(entry.name)) files.push(path);
  }
  return files;
}
