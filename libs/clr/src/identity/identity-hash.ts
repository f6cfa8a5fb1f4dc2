import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Identity } from '../model/clr-model';

/** Hash algorithms of an Open Badges 2.0 IdentityHash (`<alg>$<hex>`); the publisher writes sha256. */
const DIGEST_HEX_LENGTH = { sha256: 64, md5: 32 } as const;
type HashAlgorithm = keyof typeof DIGEST_HEX_LENGTH;

const IDENTITY_HASH = /^(sha256|md5)\$([0-9a-fA-F]+)$/;

/** A fresh random salt: 16 bytes from the system CSPRNG, as 32 hex characters. */
export function randomSalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Hashes a recipient identity the Open Badges 2.0 way: `sha256$` + hex(SHA-256(identity + salt)),
 * the salt appended to the identity. Without a salt a fresh random one is drawn, so the same email
 * gives a different hash in every assertion. The identity is hashed exactly as given: normalise it
 * first with {@link normalizeIdentity} (and put the same value in the learner Profile).
 *
 * @returns the `identity` value for the recipient and the `salt` that was used
 */
export function hashIdentity(identity: string, salt?: string): { identity: string; salt: string } {
  const usedSalt = salt ?? randomSalt();
  return { identity: `sha256$${digestHex('sha256', identity + usedSalt)}`, salt: usedSalt };
}

/**
 * The form of a learner Profile value that gets hashed or compared: emails are trimmed and
 * lower-cased (mailbox case carries no meaning in practice and consumers lower-case them);
 * other identity types are used exactly.
 */
export function normalizeIdentity(type: string, value: string): string {
  return type === 'email' ? value.trim().toLowerCase() : value;
}

/** True when `identity` has the form `sha256$<64 hex>` or `md5$<32 hex>`. */
export function isIdentityHash(identity: string): boolean {
  return parseIdentityHash(identity) !== undefined;
}

/**
 * True when the recipient identifies the learner Profile value `value` (the value of the Profile
 * property named by `recipient.type`).
 *
 * - Hashed: the hash is recomputed with the recipient's salt (none means unsalted) and compared
 *   lower-cased. The value is tried normalised (see {@link normalizeIdentity}) and, for an email,
 *   also exactly as written, since other issuers may have hashed the raw address.
 * - Not hashed: the identity must equal the value; emails compare case-insensitively.
 */
export function identityMatches(recipient: Identity, value: string): boolean {
  if (typeof recipient?.identity !== 'string' || typeof value !== 'string') return false;
  const type = typeof recipient.type === 'string' ? recipient.type : '';
  const candidates = [...new Set([normalizeIdentity(type, value), value])];
  if (recipient.hashed !== true) {
    const identity = normalizeIdentity(type, recipient.identity);
    return candidates.some((candidate) => candidate === identity);
  }
  const hash = parseIdentityHash(recipient.identity);
  if (!hash) return false;
  const salt = typeof recipient.salt === 'string' ? recipient.salt : '';
  const expected = Buffer.from(hash.hex.toLowerCase(), 'utf8');
  return candidates.some((candidate) => {
    const actual = Buffer.from(digestHex(hash.algorithm, candidate + salt), 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

function parseIdentityHash(identity: string): { algorithm: HashAlgorithm; hex: string } | undefined {
  const match = IDENTITY_HASH.exec(identity);
  if (!match) return undefined;
  const algorithm = match[1] as HashAlgorithm;
  return match[2].length === DIGEST_HEX_LENGTH[algorithm] ? { algorithm, hex: match[2] } : undefined;
}

function digestHex(algorithm: HashAlgorithm, input: string): string {
  return createHash(algorithm).update(input, 'utf8').digest('hex');
}
