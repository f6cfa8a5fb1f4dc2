import { CLR_API_PATH } from '@app/clr';
import { type ClrIdFactory } from '@app/mapping';

/** Revocation list id (and key-document suffix) of the institution Profile. */
export const INSTITUTION_SEGMENT = 'institution';

/** A kid as this publisher makes them: an RFC 7638 thumbprint (base64url), never with a dot. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const PROFILE_HASH_PATTERN = /^[0-9a-f]{32}$/;

/**
 * The public URLs of keys and revocation lists, derived from the issuer Profile ids the mapping
 * makes (`{base}/ims/clr/v1p0/profiles/institution` and `.../profiles/{h}` per org unit):
 *
 * - key document `{base}/ims/clr/v1p0/keys/{kid}` for the institution and
 *   `.../keys/{kid}.{h}` for an org unit: one document per (key, owner Profile) pair, because a
 *   CryptographicKey names exactly one owner and a verifier checks that owner is the issuer;
 * - revocation list `{base}/ims/clr/v1p0/revocations/institution` and `.../revocations/{h}`.
 *
 * Both read back to their key and Profile without a lookup table.
 */
export class PublicationUrls {
  private readonly apiRoot: string;

  constructor(
    publicBaseUrl: string,
    private readonly ids: ClrIdFactory,
  ) {
    this.apiRoot = `${publicBaseUrl.replace(/\/+$/, '')}${CLR_API_PATH}`;
  }

  /**
   * `institution` or the 32-hex hash of an org unit's Profile id.
   * @throws TypeError for a Profile id this publisher did not make.
   */
  profileSegment(profileId: string): string {
    const parsed = this.ids.parse(profileId);
    if (parsed === undefined || parsed.collection !== 'profiles') {
      throw new TypeError(`${profileId} is not an issuer Profile id of this publisher`);
    }
    return parsed.segment;
  }

  /** The Profile id behind a segment (`institution` or a 32-hex hash); undefined otherwise. */
  profileIdOf(segment: string): string | undefined {
    if (segment === INSTITUTION_SEGMENT) return this.ids.institutionProfileId();
    return PROFILE_HASH_PATTERN.test(segment) ? this.ids.url('profiles', segment) : undefined;
  }

  /** `{kid}` for the institution, `{kid}.{h}` for an org unit. */
  keyDocumentId(kid: string, ownerProfileId: string): string {
    if (!KID_PATTERN.test(kid)) throw new TypeError('a kid must be 1-128 base64url characters');
    const segment = this.profileSegment(ownerProfileId);
    return segment === INSTITUTION_SEGMENT ? kid : `${kid}.${segment}`;
  }

  /** The kid and owner Profile a key document id names; undefined when it is not one of ours. */
  parseKeyDocumentId(documentId: string): { kid: string; ownerId: string } | undefined {
    const dot = documentId.indexOf('.');
    const kid = dot < 0 ? documentId : documentId.slice(0, dot);
    const segment = dot < 0 ? INSTITUTION_SEGMENT : documentId.slice(dot + 1);
    if (!KID_PATTERN.test(kid) || (dot >= 0 && !PROFILE_HASH_PATTERN.test(segment))) return undefined;
    const ownerId = this.profileIdOf(segment);
    return ownerId === undefined ? undefined : { kid, ownerId };
  }

  keyUrl(documentId: string): string {
    return `${this.apiRoot}/keys/${documentId}`;
  }

  /** `institution` or the org unit's hash. */
  revocationListId(issuerProfileId: string): string {
    return this.profileSegment(issuerProfileId);
  }

  revocationListUrl(listId: string): string {
    return `${this.apiRoot}/revocations/${listId}`;
  }

  /** The issuer Profile of a revocation list id; undefined when it is not one of ours. */
  issuerOfRevocationList(listId: string): string | undefined {
    return this.profileIdOf(listId);
  }
}
