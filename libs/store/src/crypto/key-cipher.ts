import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Why a secret could not be sealed or opened. */
export type KeyCipherErrorCode = 'INVALID_MASTER_KEY' | 'WRONG_MASTER_KEY' | 'MALFORMED_CIPHERTEXT';

export class KeyCipherError extends Error {
  override readonly name = 'KeyCipherError';

  constructor(
    readonly code: KeyCipherErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const VERSION = 'v1';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = Buffer.from('clr-publisher/store/key-cipher/v1/aes-256-gcm');

/**
 * Encrypts secrets at rest (private signing keys, OAuth client secrets) under the master key:
 * AES-256-GCM with a random 96-bit IV, the AES key derived per secret with HKDF-SHA256 from the
 * master key and a random salt. The `context` (e.g. `signing-key:<kid>`) is authenticated as
 * additional data, so a ciphertext moved to another row does not decrypt.
 *
 * Envelope: `v1.<salt>.<iv>.<tag>.<ciphertext>`, each part base64url.
 *
 * A wrong master key, a tampered envelope or a mismatched context fails GCM authentication and
 * raises a KeyCipherError; decryption never returns garbage.
 */
export class KeyCipher {
  private readonly masterKey: Buffer;

  /** @param masterKey 32 random bytes (the configuration's `keys.masterKey`, base64-decoded). */
  constructor(masterKey: Buffer | Uint8Array) {
    if (!(masterKey instanceof Uint8Array) || masterKey.length !== 32) {
      throw new KeyCipherError(
        'INVALID_MASTER_KEY',
        `the master key must be exactly 32 bytes (got ${masterKey instanceof Uint8Array ? masterKey.length : typeof masterKey})`,
      );
    }
    if (masterKey.every((byte) => byte === masterKey[0])) {
      throw new KeyCipherError(
        'INVALID_MASTER_KEY',
        'the master key is a repeated byte, not random key material',
      );
    }
    this.masterKey = Buffer.from(masterKey);
  }

  encrypt(plaintext: string, context: string): string {
    const salt = randomBytes(SALT_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.deriveKey(salt), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, salt, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(envelope: string, context: string): string {
    const parts = typeof envelope === 'string' ? envelope.split('.') : [];
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new KeyCipherError(
        'MALFORMED_CIPHERTEXT',
        `encrypted secret for ${context} is not a ${VERSION} envelope (version.salt.iv.tag.ciphertext)`,
      );
    }
    const [, salt, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
    if (salt.length !== SALT_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new KeyCipherError(
        'MALFORMED_CIPHERTEXT',
        `encrypted secret for ${context} has a damaged header`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.deriveKey(salt), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyCipherError(
        'WRONG_MASTER_KEY',
        `cannot decrypt the secret for ${context}: the master key differs from the one it was encrypted with, or the stored value was altered`,
      );
    }
  }

  private deriveKey(salt: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterKey, salt, HKDF_INFO, 32));
  }
}
