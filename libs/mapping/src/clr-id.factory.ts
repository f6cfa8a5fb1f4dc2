import { createHmac } from 'node:crypto';
import { CLR_API_PATH } from '@app/clr';

/** What an id is derived from: the kind of record (or object) and its SIS key. */
export type IdKind =
  | 'clr'
  | 'learner'
  | 'organization'
  | 'course'
  | 'course-grade'
  | 'competency'
  | 'competency-result'
  | 'cocurricular'
  | 'cocurricular-achievement'
  | 'degree'
  | 'degree-achievement';

/** Assertions are the SIS rows a learner earns. */
export type AssertionKind = 'course-grade' | 'competency-result' | 'cocurricular' | 'degree';
/** Achievements: catalogue rows (courses, competencies) or the row that defines them. */
export type AchievementKind = 'course' | 'competency' | 'cocurricular-achievement' | 'degree-achievement';

/** Collections of the public CLR endpoints that ids point into. */
export type ClrIdCollection = 'clrs' | 'assertions' | 'achievements' | 'profiles';

/** Hex characters of the HMAC kept in an id: 128 bits. */
export const ID_HASH_HEX_LENGTH = 32;

/**
 * Builds every identifier of a CLR from an HMAC-SHA256 keyed by the institution's `idSecret` over
 * (kind, SIS key): the same row gives the same id in every run on every machine, and no id reveals
 * or lets anyone test for a student id without the secret. Layout (the public endpoints and
 * revocation rely on it):
 *
 * - CLR `{base}/ims/clr/v1p0/clrs/{h}`, assertion `.../assertions/{h}`, achievement
 *   `.../achievements/{h}`, organization issuer `.../profiles/{h}`, institution
 *   `.../profiles/institution`;
 * - learner Profile `urn:uuid:{uuid from the HMAC}`: deliberately not resolvable;
 * - result descriptions and rubric levels: fragments of their achievement id (`{achievementId}#...`).
 *
 * `h` is the first 128 bits of the HMAC in lower-case hex.
 */
export class ClrIdFactory {
  private readonly apiRoot: string;

  constructor(
    publicBaseUrl: string,
    private readonly idSecret: string,
  ) {
    if (idSecret === '') throw new Error('ClrIdFactory: idSecret must not be empty');
    this.apiRoot = `${publicBaseUrl.replace(/\/+$/, '')}${CLR_API_PATH}`;
  }

  /** The 128-bit hex HMAC of (kind, key): the last path segment of the object's URL. */
  hash(kind: IdKind, key: string): string {
    return this.hmac(`${kind}\u0000${key}`)
      .subarray(0, ID_HASH_HEX_LENGTH / 2)
      .toString('hex');
  }

  clrId(learnerId: string): string {
    return this.url('clrs', this.hash('clr', learnerId));
  }

  assertionId(kind: AssertionKind, key: string): string {
    return this.url('assertions', this.hash(kind, key));
  }

  achievementId(kind: AchievementKind, key: string): string {
    return this.url('achievements', this.hash(kind, key));
  }

  organizationProfileId(orgId: string): string {
    return this.url('profiles', this.hash('organization', orgId));
  }

  institutionProfileId(): string {
    return this.url('profiles', 'institution');
  }

  /**
   * `urn:uuid:` + a UUID built from the HMAC, with the RFC 9562 version 8 ("custom") and variant
   * bits set so it is a well-formed UUID.
   */
  learnerProfileId(learnerId: string): string {
    const bytes = Buffer.from(this.hmac(`learner\u0000${learnerId}`).subarray(0, 16));
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /**
   * The recipient salt of an assertion: HMAC(idSecret, 'salt', assertion id), 128 bits in hex.
   * It is unguessable without the secret and differs per assertion (so equal emails hash
   * differently across assertions, as Open Badges asks), yet is the same every run: a random salt
   * would change the CLR's content hash on every build and redeliver every unchanged learner.
   */
  recipientSalt(assertionId: string): string {
    return this.hmac(`salt\u0000${assertionId}`).subarray(0, 16).toString('hex');
  }

  /** `{base}/ims/clr/v1p0/{collection}/{segment}`. */
  url(collection: ClrIdCollection, segment: string): string {
    return `${this.apiRoot}/${collection}/${segment}`;
  }

  /**
   * Reads back an id this factory built under the same base URL: its collection and last
   * segment (the hash, or `institution`). Undefined for anything else (including fragments).
   */
  parse(id: string): { collection: ClrIdCollection; segment: string } | undefined {
    const prefix = `${this.apiRoot}/`;
    if (!id.startsWith(prefix)) return undefined;
    const match = /^(clrs|assertions|achievements|profiles)\/([0-9a-f]{32}|institution)$/.exec(
      id.slice(prefix.length),
    );
    if (match === null) return undefined;
    const collection = match[1] as ClrIdCollection;
    if (match[2] === 'institution' && collection !== 'profiles') return undefined;
    return { collection, segment: match[2] };
  }

  private hmac(message: string): Buffer {
    return createHmac('sha256', this.idSecret).update(message, 'utf8').digest();
  }
}
