/**
 * Test-only helpers for the signing and verification specs: the committed TEST-ONLY keys
 * (test/fixtures/keys), the unsigned fixture CLR, and resolvers serving the matching key and
 * revocation documents. Not exported from the library.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildCryptographicKey,
  buildRevocationList,
  createSigner,
  MemoryKeyResolver,
  rsaKeyThumbprint,
  type Signer,
} from '../keys';
import type { Clr } from '../model';

export const FIXTURES_DIR = resolve(__dirname, '../../../../test/fixtures');
export const SIGNED_FIXTURES_DIR = resolve(FIXTURES_DIR, 'clr/signed');
export const BASE_URL = 'https://clr.example.edu/ims/clr/v1p0';
export const INSTITUTION_ID = 'https://clr.example.edu/profiles/institution';
export const ACCREDITOR_ID = 'https://accreditor.example.org/profiles/accreditor';

export type TestKeyName = 'test-issuer-rsa2048' | 'test-other-rsa2048' | 'test-weak-rsa1024' | 'test-ec-p256';

export function readTestPem(name: TestKeyName, part: 'private' | 'public'): string {
  return readFileSync(resolve(FIXTURES_DIR, 'keys', `${name}.${part}.pem`), 'utf8');
}

export function testPrivateKey(name: TestKeyName): KeyObject {
  return createPrivateKey(readTestPem(name, 'private'));
}

/** The unsigned CLR every signed fixture is made from (a fresh copy each call). */
export function loadUnsignedClr(): Clr {
  return JSON.parse(readFileSync(resolve(SIGNED_FIXTURES_DIR, 'clr.unsigned.json'), 'utf8')) as Clr;
}

/** Key URL `{base}/keys/{thumbprint}` and list URL `{base}/revocations/{thumbprint}` under a host. */
export async function signerFor(
  ownerId: string,
  keyName: TestKeyName = 'test-issuer-rsa2048',
  base = ownerId === ACCREDITOR_ID ? 'https://accreditor.example.org' : BASE_URL,
): Promise<Signer> {
  const privateKey = readTestPem(keyName, 'private');
  const kid = await rsaKeyThumbprint(createPublicKey(privateKey));
  return createSigner({
    keyUrl: `${base}/keys/${kid}`,
    ownerId,
    revocationListUrl: `${base}/revocations/${kid}`,
    privateKey,
  });
}

/** The institution (issuer and publisher) and the accrediting body that endorses. */
export async function fixtureSigners(): Promise<{ institution: Signer; accreditor: Signer }> {
  return {
    institution: await signerFor(INSTITUTION_ID, 'test-issuer-rsa2048'),
    accreditor: await signerFor(ACCREDITOR_ID, 'test-other-rsa2048'),
  };
}

/** A resolver serving each signer's key document and an (empty unless given) revocation list. */
export function resolverFor(
  signers: readonly Signer[],
  revoked: Record<string, string[]> = {},
): MemoryKeyResolver {
  const resolver = new MemoryKeyResolver();
  for (const signer of signers) {
    resolver.addKey(
      buildCryptographicKey({
        keyUrl: signer.keyUrl,
        ownerId: signer.ownerId,
        publicKeyPem: signer.publicKeyPem,
      }),
    );
    resolver.addRevocationList(
      buildRevocationList({
        url: signer.revocationListUrl,
        issuerId: signer.ownerId,
        revokedIds: revoked[signer.ownerId] ?? [],
      }),
    );
  }
  return resolver;
}

/**
 * A compact JWS with any header, signed with node:crypto RSA-SHA256 whatever the header says
 * (jose refuses to make the bad ones the specs need: 1024-bit keys, lying headers).
 */
export function forgeJws(header: object, payload: object, key: KeyObject | undefined): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const signature =
    key === undefined ? 'c2lnbmF0dXJl' : sign('sha256', Buffer.from(input), key).toString('base64url');
  return `${input}.${signature}`;
}

/** The decoded payload of a compact JWS (no checks: test use only). */
export function payloadOf<T = Record<string, unknown>>(jws: string): T {
  return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as T;
}

export function headerOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64url');
}
