import { createPrivateKey, createPublicKey } from 'node:crypto';
import { type KeyCipher, KeyCipherError } from '../crypto/key-cipher';
import { isUniqueViolation } from '../database/driver-errors';
import { type StoreContext } from '../database/store-context';
import { ACTIVE_KEY_SLOT, SigningKeyEntity } from '../entities/signing-key.entity';
import { StoreError } from '../store.errors';
import { requireText } from './repository-helpers';

/** A new key pair to make active. Key generation belongs to the caller (libs/clr). */
export interface NewSigningKey {
  kid: string;
  publicPem: string;
  privateKeyPem: string;
  /** JWS algorithm; default `RS256`. */
  algorithm?: string;
}

/** A key with its private half decrypted, for signing. */
export interface SigningKeyMaterial {
  kid: string;
  algorithm: string;
  publicPem: string;
  privateKeyPem: string;
}

export interface RotateKeyResult {
  active: SigningKeyEntity;
  /** Kids that were active and are now retired. */
  retired: string[];
}

/** Signing keys; private halves are encrypted at rest with the KeyCipher. */
export class SigningKeyRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly cipher: KeyCipher,
  ) {}

  /** The active key (public half and encrypted private half), or null before the first rotation. */
  async activeKey(): Promise<SigningKeyEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SigningKeyEntity, { activeSlot: ACTIVE_KEY_SLOT }));
  }

  /** The active key, decrypted. Throws `NO_ACTIVE_KEY` when there is none. */
  async activeSigningKey(): Promise<SigningKeyMaterial> {
    const key = await this.activeKey();
    if (!key)
      throw new StoreError(
        'NO_ACTIVE_KEY',
        'no signing key is active: create one with `clr-publisher keys rotate`',
      );
    return this.material(key);
  }

  async findKey(kid: string): Promise<SigningKeyEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SigningKeyEntity, { kid }));
  }

  /** Every key, active and retired, newest first (the public `/keys` documents). */
  async listKeys(): Promise<SigningKeyEntity[]> {
    return this.ctx.run((m) => m.find(SigningKeyEntity, { order: { createdAt: 'DESC', kid: 'ASC' } }));
  }

  /** A key's private PEM, decrypted. Throws `NOT_FOUND` for an unknown kid. */
  async privateKeyPem(kid: string): Promise<string> {
    const key = await this.findKey(kid);
    if (!key) throw new StoreError('NOT_FOUND', `signing key ${kid} does not exist`);
    return this.material(key).privateKeyPem;
  }

  /**
   * Retires the active key (if any) and makes the new one active, in one transaction. The
   * public and private halves must be a pair. When two rotations race, the database lets one
   * win and the other throws `KEY_ROTATION_CONFLICT`; there is never more than one active key.
   */
  async rotateKey(input: NewSigningKey): Promise<RotateKeyResult> {
    return this.activate(input, true);
  }

  /**
   * Makes the key active only when no key is: an installation's first key. When two processes
   * race to create it, the unique active slot lets one win and the other throws
   * `KEY_ROTATION_CONFLICT` (it then uses the winner's key); an active key is never retired here.
   */
  async createFirstKey(input: NewSigningKey): Promise<SigningKeyEntity> {
    return (await this.activate(input, false)).active;
  }

  private async activate(input: NewSigningKey, retireCurrent: boolean): Promise<RotateKeyResult> {
    const kid = requireText(input.kid, 'kid', 128);
    if (kid === ACTIVE_KEY_SLOT)
      throw new StoreError('INVALID_ARGUMENT', `kid "${ACTIVE_KEY_SLOT}" is reserved`);
    const algorithm = requireText(input.algorithm ?? 'RS256', 'algorithm', 16);
    const publicPem = checkKeyPair(kid, input.publicPem, input.privateKeyPem);
    const now = this.ctx.now();
    const row = Object.assign(new SigningKeyEntity(), {
      kid,
      algorithm,
      publicPem,
      privateKeyEnc: this.cipher.encrypt(input.privateKeyPem, cipherContext(kid)),
      status: 'active',
      activeSlot: ACTIVE_KEY_SLOT,
      createdAt: now,
      retiredAt: null,
    } satisfies SigningKeyEntity);
    return this.ctx.transaction(async (m) => {
      if (await m.existsBy(SigningKeyEntity, { kid })) {
        throw new StoreError('DUPLICATE', `signing key ${kid} already exists`);
      }
      const current = retireCurrent ? await m.findBy(SigningKeyEntity, { activeSlot: ACTIVE_KEY_SLOT }) : [];
      // A new key sealed with another master key than the store's would leave nothing signable.
      for (const key of current) this.requireDecryptable(key);
      for (const key of current) {
        await m.update(
          SigningKeyEntity,
          { kid: key.kid, activeSlot: ACTIVE_KEY_SLOT },
          { status: 'retired', activeSlot: key.kid, retiredAt: now },
        );
      }
      try {
        await m.insert(SigningKeyEntity, row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new StoreError(
          'KEY_ROTATION_CONFLICT',
          `another key rotation finished first; ${kid} was not stored`,
          {
            cause: error,
          },
        );
      }
      return { active: row, retired: current.map((key) => key.kid) };
    });
  }

  private requireDecryptable(key: SigningKeyEntity): void {
    try {
      this.cipher.decrypt(key.privateKeyEnc, cipherContext(key.kid));
    } catch (error) {
      if (!(error instanceof KeyCipherError) || error.code !== 'WRONG_MASTER_KEY') throw error;
      throw new StoreError(
        'WRONG_MASTER_KEY',
        `the configured keys.masterKey does not decrypt the active signing key ${key.kid}: it is not the master key this store was set up with; nothing was changed`,
        { cause: error },
      );
    }
  }

  private material(key: SigningKeyEntity): SigningKeyMaterial {
    return {
      kid: key.kid,
      algorithm: key.algorithm,
      publicPem: key.publicPem,
      privateKeyPem: this.cipher.decrypt(key.privateKeyEnc, cipherContext(key.kid)),
    };
  }
}

function cipherContext(kid: string): string {
  return `signing-key:${kid}`;
}

/** Checks both PEMs parse and belong together; returns the public key in SPKI PEM. */
function checkKeyPair(kid: string, publicPem: string, privateKeyPem: string): string {
  let publicKey;
  let privateKey;
  try {
    publicKey = createPublicKey(requireText(publicPem, 'publicPem', Number.MAX_SAFE_INTEGER));
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('INVALID_ARGUMENT', `key ${kid}: publicPem is not a readable public key`);
  }
  try {
    privateKey = createPrivateKey(requireText(privateKeyPem, 'privateKeyPem', Number.MAX_SAFE_INTEGER));
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('INVALID_ARGUMENT', `key ${kid}: privateKeyPem is not a readable private key`);
  }
  const spki = (key: ReturnType<typeof createPublicKey>): string =>
    key.export({ type: 'spki', format: 'pem' }).toString();
  const normalised = spki(publicKey);
  if (spki(createPublicKey(privateKey)) !== normalised) {
    throw new StoreError('INVALID_ARGUMENT', `key ${kid}: the public key does not belong to the private key`);
  }
  return normalised;
}
