import { CompactSign, compactVerify } from 'jose';
import { createPublicKey } from 'node:crypto';
import { signCompactJws } from './compact-jws.signer';
import { headerOf, INSTITUTION_ID, payloadOf, signerFor } from './signing.test-kit';

describe('signCompactJws', () => {
  const payload = {
    '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
    id: 'urn:a',
    name: 'É ✓',
  };

  it('writes the header { alg: RS256, kid, typ: JWT } and the payload as JSON', async () => {
    const signer = await signerFor(INSTITUTION_ID);
    const jws = await signCompactJws(payload, signer);
    expect(headerOf(jws)).toEqual({ alg: 'RS256', kid: signer.kid, typ: 'JWT' });
    expect(payloadOf(jws)).toEqual(payload);
  });

  it('is byte-identical to jose CompactSign (RS256 is deterministic) and verifies with jose', async () => {
    const signer = await signerFor(INSTITUTION_ID);
    const ours = await signCompactJws(payload, signer);
    const jose = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })
      .sign(signer.privateKey);
    expect(ours).toBe(jose);
    const verified = await compactVerify(ours, createPublicKey(signer.publicKeyPem), {
      algorithms: ['RS256'],
    });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(payload);
  });

  it('does not verify with another key', async () => {
    const jws = await signCompactJws(payload, await signerFor(INSTITUTION_ID));
    const other = await signerFor(INSTITUTION_ID, 'test-other-rsa2048');
    await expect(compactVerify(jws, createPublicKey(other.publicKeyPem))).rejects.toThrow(
      'signature verification failed',
    );
  });
});
