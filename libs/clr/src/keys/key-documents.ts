import {
  CLR_CONTEXT_URL,
  type CryptographicKey,
  type GetCryptographicKeyPayload,
  type RevocationList,
} from '../model';
import { importRsaPublicKey } from './rsa-key';

export interface CryptographicKeyInput {
  /** The URL the key document is served at; becomes its `id`. */
  keyUrl: string;
  /** Id of the Profile that owns the key. */
  ownerId: string;
  publicKeyPem: string;
}

/**
 * The CryptographicKey document served at `keyUrl` (getKey payload, with `@context`).
 *
 * @throws KeyMaterialError when `publicKeyPem` is not an RSA public key of at least 2048 bits,
 *   so a bad key is never published.
 */
export function buildCryptographicKey(input: CryptographicKeyInput): GetCryptographicKeyPayload {
  return { '@context': CLR_CONTEXT_URL, ...buildEmbeddedCryptographicKey(input) };
}

/** The same key as embedded in a Profile's `publicKey` (no `@context`). */
export function buildEmbeddedCryptographicKey(input: CryptographicKeyInput): CryptographicKey {
  if (!URL.canParse(input.keyUrl)) throw new TypeError('keyUrl must be an absolute URL');
  if (typeof input.ownerId !== 'string' || input.ownerId.length === 0) {
    throw new TypeError('ownerId must be the id of the owning Profile');
  }
  importRsaPublicKey(input.publicKeyPem);
  return {
    id: input.keyUrl,
    type: 'CryptographicKey',
    owner: input.ownerId,
    publicKeyPem: input.publicKeyPem,
  };
}

export interface RevocationListInput {
  /** The URL the list is served at; becomes its `id`. */
  url: string;
  /** Id of the issuer Profile whose revocations it lists. */
  issuerId: string;
  /** Ids of revoked Assertions, Clrs and Endorsements. */
  revokedIds: Iterable<string>;
}

/**
 * The RevocationList document served at `url` (with `@context`). Ids are de-duplicated and
 * sorted so the document is byte-stable whatever order the store returns them in.
 */
export function buildRevocationList(input: RevocationListInput): RevocationList {
  if (!URL.canParse(input.url)) throw new TypeError('url must be an absolute URL');
  if (typeof input.issuerId !== 'string' || input.issuerId.length === 0) {
    throw new TypeError('issuerId must be the id of the issuer Profile');
  }
  const revoked = [...new Set(input.revokedIds)];
  for (const id of revoked) {
    if (typeof id !== 'string' || id.length === 0)
      throw new TypeError('revoked ids must be non-empty strings');
  }
  revoked.sort();
  return {
    '@context': CLR_CONTEXT_URL,
    id: input.url,
    type: 'RevocationList',
    issuer: input.issuerId,
    revokedAssertions: revoked,
  };
}
