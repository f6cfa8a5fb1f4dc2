import { sign as cryptoSign } from 'node:crypto';
import { promisify } from 'node:util';
import type { Signer } from '../keys';
import { CLR_SIGNING_ALGORITHM, type CompactJws } from '../model';

const signAsync = promisify(cryptoSign);

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

/**
 * Signs a JSON payload as a JWS Compact Serialization with RS256.
 *
 * Built on node:crypto rather than jose's `CompactSign`: RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
 * is deterministic, so the output is byte-identical to jose's (the specs check this), while
 * node's callback `sign` runs on the libuv pool and reaches the raw RS256 rate of the machine;
 * jose signs through WebCrypto at roughly 70-80% of it.
 */
export async function signCompactJws(payload: object, signer: Signer): Promise<CompactJws> {
  let header = encodedHeaders.get(signer);
  if (header === undefined) {
    const json: ClrJwsHeader = { alg: CLR_SIGNING_ALGORITHM, kid: signer.kid, typ: 'JWT' };
    header = Buffer.from(JSON.stringify(json)).toString('base64url');
    encodedHeaders.set(signer, header);
  }
  const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = await signAsync('sha256', Buffer.from(signingInput), signer.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}
