import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { MIN_RSA_MODULUS_BITS } from '../model';

export type KeyMaterialErrorCode = 'unparseable' | 'not-rsa' | 'too-short' | 'private-key-published';

/** Key material that cannot be used for CLR signatures; the message says why (no key bytes). */
export class KeyMaterialError extends Error {
  constructor(
    readonly code: KeyMaterialErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

/** A PEM longer than this is not an RSA key we would accept (an 8192-bit SPKI PEM is ~1.5 KB). */
const MAX_PEM_LENGTH = 16_384;
const CACHE_LIMIT = 256;
const publicKeyCache = new Map<string, KeyObject>();

/**
 * Imports a `publicKeyPem` (SPKI or PKCS#1) as an RSA public key of at least 2048 bits.
 * Imported keys are cached by PEM text, so verifying many objects signed with one key parses
 * it once.
 *
 * @throws KeyMaterialError naming what is wrong: not a PEM, a private key, not RSA, too short.
 */
export function importRsaPublicKey(pem: string): KeyObject {
  const cached = publicKeyCache.get(pem);
  if (cached !== undefined) return cached;
  if (typeof pem !== 'string' || pem.length === 0 || pem.length > MAX_PEM_LENGTH) {
    throw new KeyMaterialError('unparseable', 'publicKeyPem is not a PEM public key');
  }
  // createPublicKey would happily derive a public key from a private one; a key document that
  // carries private key material must be refused, not used.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new KeyMaterialError('private-key-published', 'publicKeyPem contains a PRIVATE key');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyMaterialError('unparseable', 'publicKeyPem is not a PEM public key');
  }
  assertRsaOfMinimumSize(key, 'public');
  if (publicKeyCache.size >= CACHE_LIMIT) {
    const oldest = publicKeyCache.keys().next().value;
    if (oldest !== undefined) publicKeyCache.delete(oldest);
  }
  publicKeyCache.set(pem, key);
  return key;
}

/**
 * Imports an RSA private key (PEM text or a KeyObject) of at least 2048 bits for signing.
 *
 * @throws KeyMaterialError when the key is not a private RSA key of at least 2048 bits.
 */
export function importRsaPrivateKey(key: KeyObject | string): KeyObject {
  let keyObject: KeyObject;
  if (typeof key === 'string') {
    try {
      keyObject = createPrivateKey({ key, format: 'pem' });
    } catch {
      throw new KeyMaterialError('unparseable', 'the signing key is not a PEM private key');
    }
  } else {
    keyObject = key;
  }
  if (keyObject.type !== 'private') {
    throw new KeyMaterialError(
      'unparseable',
      `the signing key is a ${keyObject.type} key, not a private key`,
    );
  }
  assertRsaOfMinimumSize(keyObject, 'signing');
  return keyObject;
}

/** The RSA modulus length of a key, or undefined for a non-RSA key. */
export function rsaModulusBits(key: KeyObject): number | undefined {
  if (key.asymmetricKeyType !== 'rsa') return undefined;
  return key.asymmetricKeyDetails?.modulusLength;
}

function assertRsaOfMinimumSize(key: KeyObject, role: 'public' | 'signing'): void {
  // RS256 is RSASSA-PKCS1-v1_5: an 'rsa-pss' key cannot produce or check it.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyMaterialError(
      'not-rsa',
      `the ${role} key is ${key.asymmetricKeyType ?? 'not asymmetric'}, but RS256 needs an RSA key`,
    );
  }
  const bits = rsaModulusBits(key) ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS) {
    throw new KeyMaterialError(
      'too-short',
      `the ${role} RSA key has a ${bits}-bit modulus; at least ${MIN_RSA_MODULUS_BITS} bits are required`,
    );
  }
}
