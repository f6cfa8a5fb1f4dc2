import { type RevocationList, buildRevocationList } from '@app/clr';
import { type PublisherStore } from '@app/store';
import { INSTITUTION_SEGMENT, type PublicationUrls } from '../keys/publication-urls';

/**
 * The RevocationList documents served at `{base}/ims/clr/v1p0/revocations/{listId}`: one per
 * issuer Profile (`institution`, or an org unit's hash), built from the store's revocation entries.
 */
export class RevocationListService {
  constructor(
    private readonly store: PublisherStore,
    private readonly urls: PublicationUrls,
  ) {}

  /**
   * The list of `listId`, or null when no such issuer ever signed anything or had anything
   * revoked (the endpoint answers 404). The institution's list always exists, empty or not.
   */
  async document(listId: string): Promise<RevocationList | null> {
    const issuerId = this.urls.issuerOfRevocationList(listId);
    if (issuerId === undefined) return null;
    const entries = await this.store.revocations.listByIssuer(issuerId);
    if (
      entries.length === 0 &&
      listId !== INSTITUTION_SEGMENT &&
      !(await this.store.keyOwners.hasOwner(issuerId))
    ) {
      return null;
    }
    return buildRevocationList({
      url: this.urls.revocationListUrl(listId),
      issuerId,
      revokedIds: entries.map((entry) => entry.revokedId),
    });
  }

  /** The list URL of an issuer Profile (what signed objects point at). */
  listUrlOf(issuerProfileId: string): string {
    return this.urls.revocationListUrl(this.urls.revocationListId(issuerProfileId));
  }
}
