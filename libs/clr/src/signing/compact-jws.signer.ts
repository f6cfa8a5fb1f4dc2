import type { Signer } from '../keys';
import { CLR_SIGNING_ALGORITHM, type CompactJws } from '../model';
import { DEFAULT_SIGNING_THREADS, JwsSigningThreads } from './jws-signing-threads';

/**
 * The JOSE header of every JWS we make: `{ "alg": "RS256", "kid": <signer kid>, "typ": "JWT" }`.
 * `typ: JWT` is what .NET's JwtSecurityTokenHandler (used by Open Credential Publisher, the
 * main CLR 1.0 consumer) writes and expects; the payload is still the CLR object, not JWT claims.
 */
export interface ClrJwsHeader {
  alg: typeof CLR_SIGNING_ALGORITHM;
  kid: string;
  typ: 'JWT';
}

const encodedHeaders = new WeakMap<Signer, string>();

let signingThreads = new JwsSigningThreads(DEFAULT_SIGNING_THREADS);

/**
 * Sets how many threads sign RS256 (default {@link DEFAULT_SIGNING_THREADS}: one per core). For
 * hosts where that is wrong, e.g. several worker processes sharing the cores. Signatures already
 * asked for finish on the threads they were sent to.
 *
 * @throws RangeError unless `count` is an integer from 1 to 64.
 */
export function setSigningThreadCount(count: number): void {
  if (count === signingThreads.size) return;
  signingThreads = new JwsSigningThreads(count);
}

/** The thread count of {@link setSigningThreadCount}. */
export function signingThreadCount(): number {
  return signingThreads.size;
}

/**
 * Signs a JSON payload as a JWS Compact Serialization with RS256.
 *
 * Built on node:crypto rather than jose's `CompactSign`: RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
 * is deterministic, so the output is byte-identical to jose's (the specs check this), while
 * node's `crypto.sign` on signing threads ({@link JwsSigningThreads}) reaches the raw RS256
 * rate of the cores they run on; jose signs through WebCrypto at roughly 70-80% of it.
 */
export async function signCompactJws(payload: object, signer: Signer): Promise<CompactJws> {
  return signJsonCompactJws(JSON.stringify(payload), signer);
}

/**
 * {@link signCompactJws} of a payload already serialised: `json` must be the payload's JSON
 * text (the JWS carries exactly these bytes, UTF-8 encoded). For callers that need the JSON for
 * something else too and would otherwise serialise the object twice.
 */
export async function signJsonCompactJws(json: string, signer: Signer): Promise<CompactJws> {
  return signingThreads.sign(encodedHeader(signer), json, signer.privateKey);
}

function encodedHeader(signer: Signer): string {
  let header = encodedHeaders.get(signer);
  if (header === undefined) {
    const json: ClrJwsHeader = { alg: CLR_SIGNING_ALGORITHM, kid: signer.kid, typ: 'JWT' };
    header = Buffer.from(JSON.stringify(json)).toString('base64url');
    encodedHeaders.set(signer, header);
  }
  return header;
}
