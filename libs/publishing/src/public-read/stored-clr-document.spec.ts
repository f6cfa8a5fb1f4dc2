import { CLR_CONTEXT_URL, type Clr, createSigner, signClr } from '@app/clr';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PublicReadError } from './public-read.error';
import { assertionIn, storedClrOf, withoutContext } from './stored-clr-document';

const BASE = 'https://pub.example.edu/ims/clr/v1p0';
const ISSUER = `${BASE}/profiles/institution`;

function clr(): Clr {
  const issuer = { id: ISSUER, type: 'Profile', name: 'Example University' };
  const assertion = (n: number, hosted: boolean) => ({
    id: `${BASE}/assertions/${String(n).repeat(32)}`,
    type: 'Assertion',
    issuedOn: '2024-05-01T00:00:00Z',
    achievement: {
      id: `${BASE}/achievements/${String(n).repeat(32)}`,
      type: 'Achievement',
      name: `C${n}`,
      issuer,
    },
    ...(hosted ? { verification: { type: 'Hosted' as const } } : {}),
  });
  return {
    id: `${BASE}/clrs/${'c'.repeat(32)}`,
    type: 'Clr',
    issuedOn: '2024-05-01T00:00:00Z',
    learner: { id: 'urn:uuid:00000000-0000-8000-8000-000000000000', type: 'Profile' },
    publisher: issuer,
    assertions: [assertion(1, false), assertion(2, true)],
  };
}

async function signed(value: Clr): Promise<string> {
  const privateKey = readFileSync(
    resolve(__dirname, '../../../../test/fixtures/keys/test-issuer-rsa2048.private.pem'),
    'utf8',
  );
  const signer = await createSigner({
    keyUrl: `${BASE}/keys/k1`,
    ownerId: ISSUER,
    revocationListUrl: `${BASE}/revocations/institution`,
    privateKey,
  });
  return (await signClr(value, signer)).signedClr;
}

const version = (signedPayload: string | null, unsignedJson: string) => ({
  id: '5d1c7a52-0000-4000-8000-000000000001',
  signedPayload,
  unsignedJson,
});

describe('storedClrOf', () => {
  it('reads the signed payload when there is one, @context first', async () => {
    const read = storedClrOf(version(await signed(clr()), JSON.stringify(clr())));
    expect(Object.keys(read)[0]).toBe('@context');
    expect(read.verification).toEqual({ type: 'Signed', creator: `${BASE}/keys/k1` });
    expect(read.signedAssertions).toHaveLength(1);
    expect(read.assertions?.map((a) => a.id)).toEqual([`${BASE}/assertions/${'2'.repeat(32)}`]);
  });

  it('reads the unsigned JSON otherwise and adds the CLR context', () => {
    const read = storedClrOf(version(null, JSON.stringify(clr())));
    expect(read['@context']).toBe(CLR_CONTEXT_URL);
    expect(read.assertions).toHaveLength(2);
    expect(withoutContext(read)).toEqual(clr());
  });

  it.each([
    [version('not.a.jws', '{}'), /cannot be served: its signed payload/],
    [version(null, '{'), /its unsigned JSON is not JSON/],
    [version(null, '[]'), /its unsigned JSON is not an object/],
    [version(null, '{"learner":{"id":"x"}}'), /the Clr has no id/],
    [version(null, JSON.stringify({ ...clr(), publisher: 'x' })), /the Clr has no publisher id/],
  ])('refuses a damaged version with CORRUPT_VERSION naming only the version', (stored, message) => {
    const error = (() => {
      try {
        storedClrOf(stored);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PublicReadError);
    expect((error as PublicReadError).code).toBe('CORRUPT_VERSION');
    expect((error as PublicReadError).message).toMatch(message);
    expect((error as PublicReadError).message).toContain(stored.id);
  });
});

describe('assertionIn', () => {
  it('finds a signed assertion (decoded, as signed) and a hosted one, each with @context', async () => {
    const read = storedClrOf(version(await signed(clr()), '{}'));
    const first = assertionIn(read, `${BASE}/assertions/${'1'.repeat(32)}`);
    expect(first).toMatchObject({
      '@context': CLR_CONTEXT_URL,
      verification: { type: 'Signed', creator: `${BASE}/keys/k1` },
    });
    const hosted = assertionIn(read, `${BASE}/assertions/${'2'.repeat(32)}`);
    expect(Object.keys(hosted!)[0]).toBe('@context');
    expect(hosted).toMatchObject({ verification: { type: 'Hosted' } });
    expect(assertionIn(read, `${BASE}/assertions/${'3'.repeat(32)}`)).toBeUndefined();
  });
});
