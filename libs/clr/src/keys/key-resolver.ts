import type { CryptographicKey, Profile, RevocationList } from '../model';

/**
 * Where a verifier gets the documents a signature is checked against. Implementations:
 * {@link HttpKeyResolver} (the public web), {@link LocalFileKeyResolver} (a directory, for
 * offline checks), {@link MemoryKeyResolver} (tests, or documents already at hand).
 */
export interface KeyResolver {
  /**
   * The CryptographicKey whose `id` is `url`.
   * @throws KeyResolutionError when it cannot be had or is not a key document.
   */
  getKey(url: string): Promise<CryptographicKey>;
  /**
   * The RevocationList whose `id` is `url`.
   * @throws KeyResolutionError when it cannot be had or is not a revocation list.
   */
  getRevocationList(url: string): Promise<RevocationList>;
  /**
   * The hosted issuer Profile with this id, when the resolver can fetch profiles; `undefined`
   * when it has none (the verifier then uses the Profile embedded in the signed object).
   */
  getProfile?(id: string): Promise<Profile | undefined>;
}

/**
 * Why a document could not be had. `unavailable` (5xx, 429, the host unreachable or the
 * connection broken) and `timeout` may pass when asked again; `refused` (another 4xx answer, too
 * many redirects) and the others will not.
 */
export type KeyResolutionErrorCode =
  | 'not-found'
  | 'unavailable'
  | 'timeout'
  | 'refused'
  | 'too-large'
  | 'refused-url'
  | 'invalid-document'
  | 'id-mismatch';

/** A document could not be resolved; `message` says why and names the URL (never a body). */
export class KeyResolutionError extends Error {
  constructor(
    readonly code: KeyResolutionErrorCode,
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'KeyResolutionError';
  }

  /** Whether asking again later may succeed (`unavailable`, `timeout`). */
  get transient(): boolean {
    return this.code === 'unavailable' || this.code === 'timeout';
  }
}

/**
 * Checks that a parsed document is a CryptographicKey with this `id`.
 * @throws KeyResolutionError ('invalid-document' | 'id-mismatch')
 */
export function readCryptographicKeyDocument(value: unknown, url: string): CryptographicKey {
  const record = asRecord(value, url, 'key');
  const { id, owner, publicKeyPem } = record;
  if (typeof id !== 'string') throw invalid(url, 'key document has no string "id"');
  if (typeof owner !== 'string' || owner.length === 0)
    throw invalid(url, 'key document has no string "owner"');
  if (typeof publicKeyPem !== 'string') throw invalid(url, 'key document has no string "publicKeyPem"');
  if (id !== url)
    throw new KeyResolutionError('id-mismatch', url, `key document at ${url} has id ${id.slice(0, 200)}`);
  // Kept as received (with `@context` and any extensions) so the verifier validates the real document.
  return { ...record, id, owner, publicKeyPem };
}

/**
 * Checks that a parsed document is a RevocationList with this `id`. Open Badges 2.0 lists may
 * hold `{ id, revocationReason }` objects instead of ids; both are read as ids.
 * @throws KeyResolutionError ('invalid-document' | 'id-mismatch')
 */
export function readRevocationListDocument(value: unknown, url: string): RevocationList {
  const record = asRecord(value, url, 'revocation list');
  const { id } = record;
  const issuer =
    typeof record.issuer === 'object' && record.issuer !== null
      ? (record.issuer as { id?: unknown }).id
      : record.issuer;
  if (typeof id !== 'string') throw invalid(url, 'revocation list has no string "id"');
  if (typeof issuer !== 'string' || issuer.length === 0)
    throw invalid(url, 'revocation list has no string "issuer"');
  if (id !== url)
    throw new KeyResolutionError('id-mismatch', url, `revocation list at ${url} has id ${id.slice(0, 200)}`);
  const revoked = record.revokedAssertions ?? [];
  if (!Array.isArray(revoked)) throw invalid(url, 'revocation list "revokedAssertions" is not an array');
  const ids: string[] = [];
  for (const [index, entry] of (revoked as unknown[]).entries()) {
    const entryId = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : entry;
    if (typeof entryId !== 'string')
      throw invalid(url, `revocation list revokedAssertions[${index}] is not an id`);
    ids.push(entryId);
  }
  return { ...record, id, issuer, revokedAssertions: ids } as RevocationList;
}

function asRecord(value: unknown, url: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(url, `${what} document is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function invalid(url: string, reason: string): KeyResolutionError {
  return new KeyResolutionError('invalid-document', url, `${reason} (${url})`);
}
