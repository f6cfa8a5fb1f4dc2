import { type GetCryptographicKeyPayload, type RevocationList } from '@app/clr';
import { type PublisherStore } from '@app/store';
import { type PublicationUrls } from '../keys/publication-urls';
import { SigningKeyService } from '../keys/signing-key.service';
import { RevocationListService } from '../revocation/revocation-list.service';

/** The documents behind the public `/keys/{id}` and `/revocations/{id}` endpoints. */
export interface PublicKeyDocuments {
  /** The CryptographicKey document (with `@context`), or null for an id that names none. */
  keyDocument(id: string): Promise<GetCryptographicKeyPayload | null>;
  /** The RevocationList document (with `@context`), or null for an id that names none. */
  revocationList(id: string): Promise<RevocationList | null>;
}

/** Injection token of the {@link PublicKeyDocuments} the public endpoints read. */
export const PUBLIC_KEY_DOCUMENTS = Symbol('PUBLIC_KEY_DOCUMENTS');

/**
 * {@link PublicKeyDocuments} from the publishing services that also sign: the key documents of
 * every (key, owner Profile) pair ever used and the issuers' revocation lists, so what is served
 * is exactly what signatures point at.
 */
export class PublishedKeyDocuments implements PublicKeyDocuments {
  private readonly keys: SigningKeyService;
  private readonly lists: RevocationListService;

  constructor(store: PublisherStore, urls: PublicationUrls) {
    this.keys = new SigningKeyService(store, urls);
    this.lists = new RevocationListService(store, urls);
  }

  keyDocument(id: string): Promise<GetCryptographicKeyPayload | null> {
    return this.keys.keyDocument(id);
  }

  revocationList(id: string): Promise<RevocationList | null> {
    return this.lists.document(id);
  }
}
