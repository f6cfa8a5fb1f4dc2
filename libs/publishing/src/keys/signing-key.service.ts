import { type KeyObject } from 'node:crypto';
import {
  type GetCryptographicKeyPayload,
  type Signer,
  buildCryptographicKey,
  createSigner,
  generateSigningKey,
  importRsaPrivateKey,
} from '@app/clr';
import { type PublisherStore, type SigningKeyEntity, StoreError } from '@app/store';
import { type PublicationUrls } from './publication-urls';

/** How often a process re-reads which key is active (a rotation elsewhere is seen this soon). */
export const DEFAULT_KEY_REFRESH_MS = 5_000;

/** The active key, ready to sign for any issuer Profile of this publisher. */
export interface ActiveSigners {
  readonly kid: string;
  /**
   * The signer for one owner Profile (institution or org unit), made once per process. The
   * (key, owner) pair is recorded before the signer is handed out, so its key document is
   * published before anything signed with it exists.
   */
  signerFor(profileId: string): Promise<Signer>;
  /** Signers for several Profiles (what `signClr` takes). */
  signersFor(profileIds: Iterable<string>): Promise<Signer[]>;
}

/** A key as listed to operators. */
export interface SigningKeySummary {
  kid: string;
  algorithm: string;
  status: SigningKeyEntity['status'];
  createdAt: Date;
  retiredAt: Date | null;
  /** Key document URLs published for it (one per owner Profile it signed for). */
  keyUrls: string[];
}

export interface RotateKeyOutcome {
  kid: string;
  retired: string[];
}

export interface SigningKeyServiceOptions {
  refreshMs?: number;
  clock?: () => number;
}

class ActiveKey implements ActiveSigners {
  private readonly signers = new Map<string, Promise<Signer>>();

  constructor(
    readonly kid: string,
    private readonly privateKey: KeyObject,
    private readonly store: PublisherStore,
    private readonly urls: PublicationUrls,
  ) {}

  signerFor(profileId: string): Promise<Signer> {
    let signer = this.signers.get(profileId);
    if (signer === undefined) {
      signer = this.makeSigner(profileId);
      this.signers.set(profileId, signer);
      // A failure (e.g. the store briefly away) is not cached.
      signer.catch(() => this.signers.delete(profileId));
    }
    return signer;
  }

  signersFor(profileIds: Iterable<string>): Promise<Signer[]> {
    return Promise.all([...new Set(profileIds)].map((id) => this.signerFor(id)));
  }

  private async makeSigner(profileId: string): Promise<Signer> {
    const documentId = this.urls.keyDocumentId(this.kid, profileId);
    await this.store.keyOwners.record({ documentId, kid: this.kid, ownerId: profileId });
    return createSigner({
      kid: this.kid,
      keyUrl: this.urls.keyUrl(documentId),
      ownerId: profileId,
      revocationListUrl: this.urls.revocationListUrl(this.urls.revocationListId(profileId)),
      privateKey: this.privateKey,
    });
  }
}

/**
 * The publisher's signing keys: the active one for signing (created on first use when there is
 * none: RSA-2048, private half encrypted with the master key by the store), rotation, and the
 * CryptographicKey documents of every (key, owner Profile) pair ever used, retired keys included.
 * The private key is imported once per process and key, never per signature.
 */
export class SigningKeyService {
  private active: { key: ActiveKey; checkedAt: number } | undefined;
  private refreshing: Promise<ActiveKey> | undefined;
  private readonly refreshMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: PublisherStore,
    private readonly urls: PublicationUrls,
    options: SigningKeyServiceOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? DEFAULT_KEY_REFRESH_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** The active key's signers; re-checks the store at most every `refreshMs`. */
  async activeSigners(): Promise<ActiveSigners> {
    const current = this.active;
    if (current !== undefined && this.clock() - current.checkedAt < this.refreshMs) return current.key;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Makes a new key active; the previous one is retired but stays published. Audited.
   * @throws StoreError `KEY_ROTATION_CONFLICT` when another rotation won a race.
   */
  async rotate(actor = 'system'): Promise<RotateKeyOutcome> {
    const generated = await generateSigningKey();
    const result = await this.store.keys.rotateKey({
      kid: generated.kid,
      publicPem: generated.publicKeyPem,
      privateKeyPem: generated.privateKeyPem,
    });
    await this.store.audit.append({
      actor,
      action: 'keys.rotate',
      subject: generated.kid,
      details: { retired: result.retired },
    });
    this.active = undefined;
    return { kid: generated.kid, retired: result.retired };
  }

  /** Every key, newest first, with the key documents published for it. */
  async list(): Promise<SigningKeySummary[]> {
    const [keys, owners] = await Promise.all([this.store.keys.listKeys(), this.store.keyOwners.list()]);
    return keys.map((key) => ({
      kid: key.kid,
      algorithm: key.algorithm,
      status: key.status,
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
      keyUrls: owners
        .filter((owner) => owner.kid === key.kid)
        .map((owner) => this.urls.keyUrl(owner.documentId)),
    }));
  }

  /** The CryptographicKey documents of every (key, owner) pair ever used, by document id. */
  async keyDocuments(): Promise<GetCryptographicKeyPayload[]> {
    const [keys, owners] = await Promise.all([this.store.keys.listKeys(), this.store.keyOwners.list()]);
    const pems = new Map(keys.map((key) => [key.kid, key.publicPem]));
    return owners.flatMap((owner) => {
      const publicKeyPem = pems.get(owner.kid);
      if (publicKeyPem === undefined) return [];
      return [
        buildCryptographicKey({
          keyUrl: this.urls.keyUrl(owner.documentId),
          ownerId: owner.ownerId,
          publicKeyPem,
        }),
      ];
    });
  }

  /**
   * The key document `{base}/ims/clr/v1p0/keys/{documentId}`, or null when no such (key, owner)
   * pair was ever used (the public endpoint answers 404 then).
   */
  async keyDocument(documentId: string): Promise<GetCryptographicKeyPayload | null> {
    if (this.urls.parseKeyDocumentId(documentId) === undefined) return null;
    const owner = await this.store.keyOwners.get(documentId);
    if (owner === null) return null;
    const key = await this.store.keys.findKey(owner.kid);
    if (key === null) return null;
    return buildCryptographicKey({
      keyUrl: this.urls.keyUrl(documentId),
      ownerId: owner.ownerId,
      publicKeyPem: key.publicPem,
    });
  }

  private async refresh(): Promise<ActiveKey> {
    let row = await this.store.keys.activeKey();
    if (row === null) row = await this.createFirstKey();
    const current = this.active?.key;
    const key =
      current !== undefined && current.kid === row.kid
        ? current
        : new ActiveKey(
            row.kid,
            importRsaPrivateKey(await this.store.keys.privateKeyPem(row.kid)),
            this.store,
            this.urls,
          );
    this.active = { key, checkedAt: this.clock() };
    return key;
  }

  /** The first key of an installation; when two processes race, the loser uses the winner's. */
  private async createFirstKey(): Promise<SigningKeyEntity> {
    try {
      const generated = await generateSigningKey();
      const created = await this.store.keys.createFirstKey({
        kid: generated.kid,
        publicPem: generated.publicKeyPem,
        privateKeyPem: generated.privateKeyPem,
      });
      await this.store.audit.append({ actor: 'system', action: 'keys.create', subject: created.kid });
      return created;
    } catch (error) {
      if (
        !(error instanceof StoreError) ||
        (error.code !== 'KEY_ROTATION_CONFLICT' && error.code !== 'DUPLICATE')
      ) {
        throw error;
      }
    }
    const row = await this.store.keys.activeKey();
    if (row === null) throw new StoreError('NO_ACTIVE_KEY', 'no signing key is active after creating one');
    return row;
  }
}
