import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTestPem } from '../signing/signing.test-kit';
import { buildCryptographicKey, buildRevocationList } from './key-documents';
import { KeyResolutionError, readCryptographicKeyDocument, readRevocationListDocument } from './key-resolver';
import { LocalFileKeyResolver } from './local-file-key.resolver';
import { MemoryKeyResolver } from './memory-key.resolver';

const KEY_URL = 'https://clr.example.edu/keys/k1';
const LIST_URL = 'https://clr.example.edu/revocations/k1';
const OWNER = 'https://clr.example.edu/profiles/institution';
const key = buildCryptographicKey({
  keyUrl: KEY_URL,
  ownerId: OWNER,
  publicKeyPem: readTestPem('test-issuer-rsa2048', 'public'),
});
const list = buildRevocationList({ url: LIST_URL, issuerId: OWNER, revokedIds: ['urn:x'] });

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof KeyResolutionError
      ? `${error.code}: ${error.message}`
      : `other: ${String(error)}`;
  }
}

describe('document readers', () => {
  it('keep a key document as received, @context included', () => {
    expect(readCryptographicKeyDocument(key, KEY_URL)).toEqual(key);
  });

  it('refuse a key document served under another id', async () => {
    await expect(
      failure(Promise.resolve().then(() => readCryptographicKeyDocument(key, 'https://evil.example/k'))),
    ).resolves.toBe(`id-mismatch: key document at https://evil.example/k has id ${KEY_URL}`);
  });

  it.each([
    ['no owner', { ...key, owner: undefined }, 'key document has no string "owner"'],
    ['no PEM', { ...key, publicKeyPem: 42 }, 'key document has no string "publicKeyPem"'],
    ['not an object', [key], 'key document is not a JSON object'],
  ])('refuse a key document with %s', async (_name, doc, reason) => {
    await expect(
      failure(Promise.resolve().then(() => readCryptographicKeyDocument(doc, KEY_URL))),
    ).resolves.toBe(`invalid-document: ${reason} (${KEY_URL})`);
  });

  it('read Open Badges 2.0 style revocation entries and issuer objects as ids', () => {
    const read = readRevocationListDocument(
      {
        ...list,
        issuer: { id: OWNER },
        revokedAssertions: [{ id: 'urn:a', revocationReason: 'x' }, 'urn:b'],
      },
      LIST_URL,
    );
    expect(read.issuer).toBe(OWNER);
    expect(read.revokedAssertions).toEqual(['urn:a', 'urn:b']);
  });

  it('read a list without revokedAssertions as empty', () => {
    expect(readRevocationListDocument({ id: LIST_URL, issuer: OWNER }, LIST_URL).revokedAssertions).toEqual(
      [],
    );
  });

  it.each([
    ['no issuer', { ...list, issuer: undefined }, 'revocation list has no string "issuer"'],
    [
      'a non-array',
      { ...list, revokedAssertions: 'urn:x' },
      'revocation list "revokedAssertions" is not an array',
    ],
    ['a bad entry', { ...list, revokedAssertions: [7] }, 'revocation list revokedAssertions[0] is not an id'],
  ])('refuse a revocation list with %s', async (_name, doc, reason) => {
    await expect(
      failure(Promise.resolve().then(() => readRevocationListDocument(doc, LIST_URL))),
    ).resolves.toBe(`invalid-document: ${reason} (${LIST_URL})`);
  });
});

describe('MemoryKeyResolver', () => {
  const resolver = new MemoryKeyResolver({ keys: [key], revocationLists: [list], profiles: [{ id: OWNER }] });

  it('answers by id', async () => {
    await expect(resolver.getKey(KEY_URL)).resolves.toEqual(key);
    await expect(resolver.getRevocationList(LIST_URL)).resolves.toMatchObject({
      revokedAssertions: ['urn:x'],
    });
    await expect(resolver.getProfile(OWNER)).resolves.toEqual({ id: OWNER });
    await expect(resolver.getProfile('urn:other')).resolves.toBeUndefined();
  });

  it('says not-found for an unknown id', async () => {
    await expect(failure(resolver.getKey('https://x.example/k'))).resolves.toBe(
      'not-found: no key document with id https://x.example/k',
    );
    await expect(failure(resolver.getRevocationList('https://x.example/r'))).resolves.toBe(
      'not-found: no revocation list with id https://x.example/r',
    );
  });
});

describe('LocalFileKeyResolver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clr-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('matches documents by id, whatever the file name, in subdirectories too', async () => {
    mkdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'anything.json'), JSON.stringify(key));
    writeFileSync(join(dir, 'lists', 'r.jsonld'), JSON.stringify(list));
    writeFileSync(
      join(dir, 'profile.json'),
      JSON.stringify({ id: OWNER, type: 'Profile', publicKey: { id: KEY_URL } }),
    );
    writeFileSync(join(dir, 'notes.json'), JSON.stringify({ hello: 'world' }));
    writeFileSync(join(dir, 'README.txt'), 'not json, not read');
    const resolver = new LocalFileKeyResolver({ directory: dir });
    await expect(resolver.getKey(KEY_URL)).resolves.toEqual(key);
    await expect(resolver.getRevocationList(LIST_URL)).resolves.toMatchObject({ issuer: OWNER });
    await expect(resolver.getProfile(OWNER)).resolves.toMatchObject({ publicKey: { id: KEY_URL } });
    await expect(failure(resolver.getKey('https://x.example/k'))).resolves.toBe(
      'not-found: no key document with id https://x.example/k in the key directory',
    );
  });

  it('fails every lookup naming a file that is not JSON', async () => {
    writeFileSync(join(dir, 'key.json'), JSON.stringify(key));
    writeFileSync(join(dir, 'broken.json'), '{"id": ');
    const resolver = new LocalFileKeyResolver({ directory: dir });
    await expect(failure(resolver.getKey(KEY_URL))).resolves.toBe(
      'invalid-document: key directory file broken.json is not JSON',
    );
  });

  it('refuses two documents with one id', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(key));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(key));
    await expect(failure(new LocalFileKeyResolver({ directory: dir }).getKey(KEY_URL))).resolves.toBe(
      `invalid-document: key directory has two documents with id ${KEY_URL} (b.json)`,
    );
  });

  it('refuses a file over the size limit', async () => {
    writeFileSync(join(dir, 'big.json'), JSON.stringify(key));
    await expect(
      failure(new LocalFileKeyResolver({ directory: dir, maxFileBytes: 100 }).getKey(KEY_URL)),
    ).resolves.toMatch(/^too-large: key directory file big\.json is \d+ bytes \(limit 100\)$/);
  });

  it('says the directory cannot be read', async () => {
    await expect(
      failure(new LocalFileKeyResolver({ directory: join(dir, 'missing') }).getKey(KEY_URL)),
    ).resolves.toBe(`unavailable: key directory ${join(dir, 'missing')} cannot be read`);
  });
});
