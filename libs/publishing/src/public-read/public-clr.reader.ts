import {
  CLR_CONTEXT_URL,
  CLR_SCOPES,
  type ClrSet,
  type CompactJws,
  type CryptographicKey,
  type DiscoveryDocument,
  type GetClrPayload,
  type Profile,
  type WithContext,
  buildEmbeddedCryptographicKey,
} from '@app/clr';
import { type AppConfig } from '@app/config';
import { type ClrIdFactory } from '@app/mapping';
import { type ClrVersionEntity, type PublisherStore } from '@app/store';
import { INSTITUTION_SEGMENT, type PublicationUrls } from '../keys/publication-urls';
import { type ClrPageQuery } from './clr-page-query';
import {
  type StoredClr,
  achievementIn,
  assertionIn,
  storedClrOf,
  withoutContext,
} from './stored-clr-document';

/** What a public read found. A revoked object comes with the stub that says so. */
export type PublicRead<T> =
  { status: 'found'; document: T } | { status: 'revoked'; document: T } | { status: 'unknown' };

/** One getClrs page. */
export interface ClrPage {
  /** CLRs matching the query in all (`X-Total-Count`). */
  total: number;
  set: ClrSet;
}

/** The configuration the reader needs. */
export type PublicReadConfig = Pick<AppConfig, 'publicBaseUrl' | 'institution' | 'providerApi'>;

/** Last path segment of an assertion, CLR or org-unit Profile id: 128 bits of HMAC in hex. */
const HASH_SEGMENT = /^[0-9a-f]{32}$/;

/**
 * Reads what the public CLR endpoints serve from the publisher's store: hosted Assertions,
 * issuer Profiles, CLRs (one or a page) and the DiscoveryDocument. Every lookup takes the last
 * path segment of the object's URL; a segment that is not one this publisher makes is simply
 * `unknown`, exactly like one that names nothing, so a caller learns nothing from malformed ids.
 */
export class PublicClrReader {
  constructor(
    private readonly store: PublisherStore,
    private readonly config: PublicReadConfig,
    private readonly ids: ClrIdFactory,
    private readonly urls: PublicationUrls,
  ) {}

  /**
   * The hosted Assertion `{base}/ims/clr/v1p0/assertions/{segment}` as the latest stored version
   * carrying it published it (with `@context`). Revoked (in the ledger or on a revocation list):
   * the stub `{ @context, id, type, revoked: true }`, as CLR 1.0 allows for a revoked Assertion.
   */
  async assertion(segment: string): Promise<PublicRead<Record<string, unknown>>> {
    if (!HASH_SEGMENT.test(segment)) return { status: 'unknown' };
    const assertionId = this.ids.url('assertions', segment);
    const entry = await this.store.ledger.get(assertionId);
    if (entry === null) return { status: 'unknown' };
    if (entry.status === 'revoked' || (await this.store.revocations.isRevoked(assertionId))) {
      return {
        status: 'revoked',
        document: { '@context': CLR_CONTEXT_URL, id: assertionId, type: 'Assertion', revoked: true },
      };
    }
    const document = await this.fromCarryingVersion(entry.learnerRef, entry.lastVersion, (clr) =>
      assertionIn(clr, assertionId),
    );
    return document === undefined ? { status: 'unknown' } : { status: 'found', document };
  }

  /**
   * The Achievement `{base}/ims/clr/v1p0/achievements/{segment}` (CLR 1.0: an achievement id that
   * is a URL must resolve to the Achievement), as the version that last carried an active
   * assertion of it published it, with `@context`. An achievement no active assertion carries
   * (every one revoked, or never asserted) is `unknown`: it says nothing about any learner.
   */
  async achievement(segment: string): Promise<PublicRead<Record<string, unknown>>> {
    if (!HASH_SEGMENT.test(segment)) return { status: 'unknown' };
    const achievementId = this.ids.url('achievements', segment);
    const holder = await this.store.ledger.activeHolder(achievementId);
    if (holder === null) return { status: 'unknown' };
    const document = await this.fromCarryingVersion(holder.learnerRef, holder.lastVersion, (clr) =>
      achievementIn(clr, achievementId),
    );
    return document === undefined ? { status: 'unknown' } : { status: 'found', document };
  }

  /**
   * What `pick` finds in the learner's latest version, else in the version the ledger says last
   * carried it (`lastVersion`; normally that is the latest one).
   */
  private async fromCarryingVersion(
    learnerRef: string,
    lastVersion: number,
    pick: (clr: StoredClr) => Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown> | undefined> {
    const latest = await this.store.versions.latestVersion(learnerRef);
    if (latest === null) return undefined;
    const found = pick(storedClrOf(latest));
    if (found !== undefined || latest.version === lastVersion) return found;
    const carrying = (await this.store.versions.listVersions(learnerRef)).find(
      (version) => version.version === lastVersion,
    );
    const stored = carrying === undefined ? null : await this.store.versions.getVersion(carrying.id);
    return stored === null ? undefined : pick(storedClrOf(stored));
  }

  /**
   * An issuer/publisher Profile (`institution`, or an org unit's hash) with its `publicKey` (the
   * key document of the active key for it, else of the newest key it was used with) and its
   * `revocationList`. The institution's carries its configured name, id, url and email, as in
   * every CLR; an org unit's is known only once a key signed for it or it revoked something, and
   * carries no more than its links (its name lives in the SIS, which public reads do not touch).
   */
  async profile(segment: string): Promise<PublicRead<WithContext<Profile>>> {
    const profileId = this.urls.profileIdOf(segment);
    if (profileId === undefined) return { status: 'unknown' };
    const publicKey = await this.publicKeyOf(profileId);
    const institution = segment === INSTITUTION_SEGMENT;
    if (
      !institution &&
      publicKey === undefined &&
      (await this.store.revocations.listByIssuer(profileId)).length === 0
    ) {
      return { status: 'unknown' };
    }
    const profile: WithContext<Profile> = { '@context': CLR_CONTEXT_URL, id: profileId, type: 'Profile' };
    if (institution) {
      const { name, id, url, email } = this.config.institution;
      Object.assign(profile, { name, sourcedId: id, url, email });
    }
    if (publicKey !== undefined) profile.publicKey = publicKey;
    profile.revocationList = this.urls.revocationListUrl(this.urls.revocationListId(profileId));
    return { status: 'found', document: profile };
  }

  /**
   * getClr: the latest stored version of `{base}/ims/clr/v1p0/clrs/{segment}` as a Clr with
   * `@context`. A CLR on a revocation list (or published as revoked) is `revoked`, with only what
   * the getClr payload requires (`id`, `issuedOn`, `learner` and `publisher` ids) and `revoked: true`.
   */
  async clr(segment: string): Promise<PublicRead<GetClrPayload>> {
    if (!HASH_SEGMENT.test(segment)) return { status: 'unknown' };
    const clrId = this.ids.url('clrs', segment);
    const version = await this.store.versions.latestByClrId(clrId);
    if (version === null) return { status: 'unknown' };
    const clr = storedClrOf(version);
    if (clr.revoked === true || (await this.store.revocations.isRevoked(clrId))) {
      return {
        status: 'revoked',
        document: {
          '@context': CLR_CONTEXT_URL,
          id: clr.id,
          type: 'Clr',
          issuedOn: clr.issuedOn,
          learner: { id: clr.learner.id, type: 'Profile' },
          publisher: { id: clr.publisher.id, type: 'Profile' },
          revoked: true,
        },
      };
    }
    return { status: 'found', document: clr };
  }

  /**
   * getClrs: the latest version of every CLR not revoked, oldest `issuedOn` first, a page at a
   * time. Signed versions go into `signedClrs` as their compact JWS, unsigned ones into `clrs`.
   */
  async clrPage(query: ClrPageQuery): Promise<ClrPage> {
    const page = await this.store.versions.pageLatest(query);
    const set: ClrSet = { '@context': CLR_CONTEXT_URL };
    const signed: CompactJws[] = [];
    const unsigned = page.versions
      .filter((version) => {
        if (version.signedPayload === null) return true;
        signed.push(version.signedPayload);
        return false;
      })
      .map((version: ClrVersionEntity) => withoutContext(storedClrOf(version)));
    if (unsigned.length > 0) set.clrs = unsigned;
    if (signed.length > 0) set.signedClrs = signed;
    return { total: page.total, set };
  }

  /**
   * The DiscoveryDocument when `providerApi.discovery` names the authorization server's
   * endpoints; null otherwise (the endpoint answers 404, which CLR 1.0 allows a provider that
   * does not support dynamic registration). Only the readonly scope is offered: the publisher
   * serves CLRs, it does not take them.
   */
  discovery(): DiscoveryDocument | null {
    const discovery = this.config.providerApi?.discovery;
    if (discovery === undefined) return null;
    const document: DiscoveryDocument = {
      '@context': CLR_CONTEXT_URL,
      name: discovery.name,
      authorizationUrl: discovery.authorizationUrl,
      tokenUrl: discovery.tokenUrl,
      registrationUrl: discovery.registrationUrl,
      privacyPolicyUrl: discovery.privacyPolicyUrl,
      termsOfServiceUrl: discovery.termsOfServiceUrl,
      scopesOffered: [CLR_SCOPES.readonly],
    };
    if (discovery.image !== undefined) document.image = discovery.image;
    return document;
  }

  private async publicKeyOf(profileId: string): Promise<CryptographicKey | undefined> {
    const pairs = (await this.store.keyOwners.list()).filter((pair) => pair.ownerId === profileId);
    if (pairs.length === 0) return undefined;
    const active = await this.store.keys.activeKey();
    const chosen =
      pairs.find((pair) => pair.kid === active?.kid) ??
      pairs.reduce((newest, pair) => (pair.createdAt > newest.createdAt ? pair : newest));
    const key = await this.store.keys.findKey(chosen.kid);
    if (key === null) return undefined;
    return buildEmbeddedCryptographicKey({
      keyUrl: this.urls.keyUrl(chosen.documentId),
      ownerId: profileId,
      publicKeyPem: key.publicPem,
    });
  }
}
