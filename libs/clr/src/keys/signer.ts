import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { MIN_RSA_MODULUS_BITS } from '../model';
import { importRsaPrivateKey, KeyMaterialError } from './rsa-key';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A signing key bound to the Profile that owns it. The key document at `keyUrl` names
 * `ownerId` as its owner, so objects issued by that Profile (and only those) are signed with it.
 */
export interface Signer {
  /** JWS `kid`: by default the RFC 7638 JWK thumbprint of the public key. */
  readonly kid: string;
  /** URL of the hosted CryptographicKey document; goes into `verification.creator`. */
  readonly keyUrl: string;
  /** Id of the owning Profile (issuer or publisher). */
  readonly ownerId: string;
  /** URL of the owning Profile's RevocationList, set on the Profile when signing. */
  readonly revocationListUrl: string;
  /** The imported private key, parsed once. */
  readonly privateKey: KeyObject;
  /** SPKI PEM of the public key, as published in the key document. */
  readonly publicKeyPem: string;
}

export interface SignerInit {
  keyUrl: string;
  ownerId: string;
  revocationListUrl: string;
  /** PKCS#8 / PKCS#1 PEM text or an already imported KeyObject; RSA, at least 2048 bits. */
  privateKey: KeyObject | string;
  /** Defaults to the RFC 7638 thumbprint of the public key. */
  kid?: string;
}

/** A freshly generated key pair. */
export interface GeneratedSigningKey {
  kid: string;
  /** PKCS#8 PEM. Secret: store it encrypted, never log it. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/**
 * Generates an RSA signing key (2048 bits unless asked for more) off the main thread.
 * `kid` is the RFC 7638 JWK thumbprint of the public key.
 */
export async function generateSigningKey(
  options: { modulusLength?: number } = {},
): Promise<GeneratedSigningKey> {
  const modulusLength = options.modulusLength ?? MIN_RSA_MODULUS_BITS;
  if (!Number.isInteger(modulusLength) || modulusLength < MIN_RSA_MODULUS_BITS) {
    throw new KeyMaterialError(
      'too-short',
      `modulusLength ${modulusLength} is below the minimum of ${MIN_RSA_MODULUS_BITS} bits`,
    );
  }
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength });
  return {
    kid: await rsaKeyThumbprint(publicKey),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * Imports a private key once and binds it to its owner, key URL and revocation list.
 *
 * @throws KeyMaterialError for a key that is not RSA >= 2048 bits.
 * @throws TypeError for an empty owner id or a key / revocation URL that is not an absolute URL.
 */
export async function createSigner(init: SignerInit): Promise<Signer> {
  assertAbsoluteUrl(init.keyUrl, 'keyUrl');
  assertAbsoluteUrl(init.revocationListUrl, 'revocationListUrl');
  if (typeof init.ownerId !== 'string' || init.ownerId.trim().length === 0) {
    throw new TypeError('ownerId must be the id of the Profile that owns the key');
  }
  const privateKey = importRsaPrivateKey(init.privateKey);
  const publicKey = createPublicKey(privateKey);
  const kid = init.kid ?? (await rsaKeyThumbprint(publicKey));
  if (kid.length === 0) throw new TypeError('kid must not be empty');
  return Object.freeze({
    kid,
    keyUrl: init.keyUrl,
    ownerId: init.ownerId,
    revocationListUrl: init.revocationListUrl,
    privateKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  });
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key. */
export async function rsaKeyThumbprint(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(publicKey.export({ format: 'jwk' }), 'sha256');
}

function assertAbsoluteUrl(value: string, name: string): void {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new TypeError(`${name} must be an absolute URL`);
  }
}
