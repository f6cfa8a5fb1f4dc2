import { CLR_CONTEXT_URL, type Clr, type JsonLdContext, decodeCompactJws } from '@app/clr';
import { type ClrVersionEntity } from '@app/store';
import { PublicReadError } from './public-read.error';

/** A Clr as read back from a stored version (with `@context` first). */
export type StoredClr = Clr & { '@context': JsonLdContext };

type StoredDocuments = Pick<ClrVersionEntity, 'id' | 'signedPayload' | 'unsignedJson'>;

/**
 * The Clr a version published: the payload of its signed form when it has one (what the signature
 * covers: signed assertions in `signedAssertions`, keys and revocation lists linked), otherwise
 * its unsigned JSON. `@context` comes first either way.
 *
 * @throws PublicReadError `CORRUPT_VERSION` when the stored text cannot be read back as a Clr
 *   (never expected: the build stores what it signed); the message names the version id only.
 */
export function storedClrOf(version: StoredDocuments): StoredClr {
  let value: Record<string, unknown>;
  if (version.signedPayload !== null) {
    const decoded = decodeCompactJws(version.signedPayload);
    if (!decoded.ok) throw corrupt(version, `its signed payload: ${decoded.reason}`);
    value = decoded.jws.payload;
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(version.unsignedJson);
    } catch {
      throw corrupt(version, 'its unsigned JSON is not JSON');
    }
    if (!isRecord(parsed)) throw corrupt(version, 'its unsigned JSON is not an object');
    value = parsed;
  }
  if (typeof value['id'] !== 'string') throw corrupt(version, 'the Clr has no id');
  for (const profile of ['learner', 'publisher']) {
    const entry = value[profile];
    if (!isRecord(entry) || typeof entry['id'] !== 'string') {
      throw corrupt(version, `the Clr has no ${profile} id`);
    }
  }
  return withContextFirst(value) as unknown as StoredClr;
}

/** The Clr without `@context`, as nested in a ClrSet's `clrs`. */
export function withoutContext(clr: StoredClr): Clr {
  const { '@context': _context, ...rest } = clr;
  return rest;
}

/**
 * The Assertion with this id in a published Clr (hosted in `assertions`, or signed in
 * `signedAssertions` and decoded), with `@context` first; undefined when the Clr does not carry it.
 */
export function assertionIn(clr: StoredClr, assertionId: string): Record<string, unknown> | undefined {
  for (const assertion of clr.assertions ?? []) {
    if (assertion.id === assertionId) return withContextFirst({ ...assertion });
  }
  for (const jws of clr.signedAssertions ?? []) {
    const decoded = decodeCompactJws(jws);
    if (decoded.ok && decoded.jws.payload['id'] === assertionId) return withContextFirst(decoded.jws.payload);
  }
  return undefined;
}

/**
 * An Achievement the Clr lists or asserts, with `@context` first: from `achievements` when listed
 * there, else from an assertion's (in place or signed).
 */
export function achievementIn(clr: StoredClr, achievementId: string): Record<string, unknown> | undefined {
  const listed = (clr.achievements ?? []).find((achievement) => achievement.id === achievementId);
  if (listed !== undefined) return withContextFirst({ ...listed });
  const asserted: unknown[] = (clr.assertions ?? []).map((assertion) => assertion.achievement);
  for (const jws of clr.signedAssertions ?? []) {
    const decoded = decodeCompactJws(jws);
    if (decoded.ok) asserted.push(decoded.jws.payload['achievement']);
  }
  const found = asserted.find((achievement) => isRecord(achievement) && achievement['id'] === achievementId);
  return found === undefined ? undefined : withContextFirst({ ...(found as Record<string, unknown>) });
}

function withContextFirst(value: Record<string, unknown>): Record<string, unknown> {
  const { '@context': context, ...rest } = value;
  return { '@context': context ?? CLR_CONTEXT_URL, ...rest };
}

function corrupt(version: StoredDocuments, what: string): PublicReadError {
  return new PublicReadError('CORRUPT_VERSION', `CLR version ${version.id} cannot be served: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
