import { type KeyObject } from 'node:crypto';
import type { Signer } from '../keys';
import { CLR_SIGNING_ALGORITHM, type CompactJws } from '../model';
import { DEFAULT_SIGNING_THREADS, Rs256SigningThreads } from './rs256-signing-threads';

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

let signingThreads = new Rs256SigningThreads(DEFAULT_SIGNING_THREADS);

/**
 * Sets how many threads sign RS256 (default {@link DEFAULT_SIGNING_THREADS}: one core fewer than
 * the machine has, so the thread that composes and stores CLRs keeps a core of its own). For
 * hosts where that is wrong, e.g. several worker processes sharing the cores. Signatures already
 * asked for finish on the threads they were sent to.
 *
 * @throws RangeError unless `count` is an integer from 1 to 64.
 */
export function setSigningThreadCount(count: number): void {
  if (count === signingThreads.size) return;
  signingThreads = new Rs256SigningThreads(count);
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
 * node's `crypto.sign` on signing threads ({@link Rs256SigningThreads}) reaches the raw RS256
 * rate of the machine's spare cores; jose signs through WebCrypto at roughly 70-80% of it.
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
  const header = encodedHeader(signer);
  const body = Buffer.from(json, 'utf8').toString('base64url');
  // The signing input is ASCII: written straight into a buffer of its own (not a slice of
  // Node's shared pool), which moves to the signing thread without a copy.
  const input = Buffer.allocUnsafeSlow(header.length + 1 + body.length);
  input.write(header, 0, 'latin1');
  input[header.length] = 0x2e; // '.'
  input.write(body, header.length + 1, 'latin1');
  const signature = await rs256(input, signer.privateKey);
  return `${header}.${body}.${signature.toString('base64url')}`;
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

/**
 * RSASSA-PKCS1-v1_5 with SHA-256: `crypto.sign('sha256', input, key)` on a signing thread.
 * `input` is handed over (detached here).
 */
function rs256(input: Buffer, key: KeyObject): Promise<Buffer> {
  return signingThreads.sign(input, key);
}
