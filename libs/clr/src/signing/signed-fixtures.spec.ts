/**
 * The signed fixtures under test/fixtures/clr/signed are made from clr.unsigned.json and the
 * TEST-ONLY keys. RS256 (and HS256) signatures are deterministic, so this spec re-creates every
 * file and checks it is byte-identical to the committed one; `UPDATE_SIGNED_FIXTURES=1 npx jest
 * signed-fixtures` rewrites them. Each fixture is then verified offline from the keys/ directory.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCryptographicKey, buildRevocationList, LocalFileKeyResolver } from '../keys';
import { CLR_CONTEXT_URL, type Clr } from '../model';
import { verifyClr } from '../verification/clr.verifier';
import { signClr } from './clr.signer';
import { signCompactJws } from './compact-jws.signer';
import { fixtureSigners, forgeJws, loadUnsignedClr, SIGNED_FIXTURES_DIR } from './signing.test-kit';

const update = process.env.UPDATE_SIGNED_FIXTURES === '1';

async function makeFixtures(): Promise<Record<string, unknown>> {
  const { institution, accreditor } = await fixtureSigners();
  const { signedClr, clr } = await signClr(loadUnsignedClr(), [institution, accreditor]);
  const post = (jws: string) => ({ '@context': CLR_CONTEXT_URL, signedClr: jws });
  const [header, body, signature] = signedClr.split('.') as [string, string, string];

  const tampered = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Clr;
  tampered.name = 'Altered after signing';
  const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: institution.kid, typ: 'JWT' })).toString(
    'base64url',
  );
  const hsMac = createHmac('sha256', institution.publicKeyPem)
    .update(`${hsHeader}.${body}`)
    .digest('base64url');
  const innerTampered = structuredClone(clr);
  const [aHeader, aBody, aSignature] = (innerTampered.signedAssertions?.[1] ?? '').split('.') as [
    string,
    string,
    string,
  ];
  const inner = JSON.parse(Buffer.from(aBody, 'base64url').toString('utf8')) as { creditsEarned?: number };
  inner.creditsEarned = 12;
  innerTampered.signedAssertions = [...(innerTampered.signedAssertions ?? [])];
  innerTampered.signedAssertions[1] = `${aHeader}.${Buffer.from(JSON.stringify(inner)).toString('base64url')}.${aSignature}`;

  return {
    'post-clr.signed.json': post(signedClr),
    'clr.signed-payload.json': clr,
    'invalid/post-clr.tampered-payload.json': post(
      `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`,
    ),
    'invalid/post-clr.alg-none.json': post(
      `${forgeJws({ alg: 'none', typ: 'JWT' }, clr, undefined).split('.').slice(0, 2).join('.')}.`,
    ),
    'invalid/post-clr.hs256.json': post(`${hsHeader}.${body}.${hsMac}`),
    'invalid/post-clr.wrong-key.json': post(
      await signCompactJws(clr, { ...accreditor, kid: institution.kid }),
    ),
    'invalid/post-clr.inner-assertion-tampered.json': post(await signCompactJws(innerTampered, institution)),
    'keys/institution.key.json': buildCryptographicKey({
      keyUrl: institution.keyUrl,
      ownerId: institution.ownerId,
      publicKeyPem: institution.publicKeyPem,
    }),
    'keys/accreditor.key.json': buildCryptographicKey({
      keyUrl: accreditor.keyUrl,
      ownerId: accreditor.ownerId,
      publicKeyPem: accreditor.publicKeyPem,
    }),
    'keys/institution.revocations.json': buildRevocationList({
      url: institution.revocationListUrl,
      issuerId: institution.ownerId,
      revokedIds: [],
    }),
    'keys/accreditor.revocations.json': buildRevocationList({
      url: accreditor.revocationListUrl,
      issuerId: accreditor.ownerId,
      revokedIds: [],
    }),
  };
}

describe('signed fixtures', () => {
  let fixtures: Record<string, unknown>;
  beforeAll(async () => {
    fixtures = await makeFixtures();
    if (update) {
      for (const [name, value] of Object.entries(fixtures)) {
        mkdirSync(dirname(join(SIGNED_FIXTURES_DIR, name)), { recursive: true });
        writeFileSync(join(SIGNED_FIXTURES_DIR, name), `${JSON.stringify(value, null, 2)}\n`);
      }
    }
  });

  it('are exactly what signing clr.unsigned.json with the test keys gives', () => {
    for (const [name, value] of Object.entries(fixtures)) {
      expect([name, readFileSync(join(SIGNED_FIXTURES_DIR, name), 'utf8')]).toEqual([
        name,
        `${JSON.stringify(value, null, 2)}\n`,
      ]);
    }
  });

  const resolver = () => new LocalFileKeyResolver({ directory: join(SIGNED_FIXTURES_DIR, 'keys') });
  const read = (name: string): unknown => JSON.parse(readFileSync(join(SIGNED_FIXTURES_DIR, name), 'utf8'));

  it('post-clr.signed.json verifies offline, with the full validator', async () => {
    const report = await verifyClr(read('post-clr.signed.json'), { resolver: resolver() });
    expect(report.findings).toEqual([]);
    expect(report.objects).toHaveLength(6);
  });

  it.each([
    ['post-clr.tampered-payload.json', 'signature $.signedClr: the signature does not verify with key'],
    [
      'post-clr.alg-none.json',
      'signature $.signedClr: Clr JWS: alg "none" (an unsigned JWS) is not accepted',
    ],
    ['post-clr.hs256.json', 'signature $.signedClr: HMAC algorithm HS256 is not accepted'],
    ['post-clr.wrong-key.json', 'signature $.signedClr: the signature does not verify with key'],
    [
      'post-clr.inner-assertion-tampered.json',
      'signature $.signedClr.signedAssertions[1]: the signature does not verify with key',
    ],
  ])('invalid/%s fails for the reason its name says', async (name, reason) => {
    const report = await verifyClr(read(`invalid/${name}`), { resolver: resolver(), validate: false });
    expect(report.valid).toBe(false);
    expect(report.findings.map((f) => `${f.stage} ${f.path}: ${f.reason}`)).toEqual([
      expect.stringContaining(reason),
    ]);
  });
});
