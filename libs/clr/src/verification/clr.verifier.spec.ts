import { createHmac } from 'node:crypto';
import {
  buildCryptographicKey,
  buildRevocationList,
  KeyResolutionError,
  type KeyResolver,
  MemoryKeyResolver,
  type Signer,
} from '../keys';
import { CLR_CONTEXT_URL, type Assertion, type Clr, type Endorsement, type Profile } from '../model';
import { signClr, signEndorsement } from '../signing/clr.signer';
import { signCompactJws } from '../signing/compact-jws.signer';
import {
  ACCREDITOR_ID,
  fixtureSigners,
  forgeJws,
  headerOf,
  INSTITUTION_ID,
  loadUnsignedClr,
  payloadOf,
  readTestPem,
  resolverFor,
  signerFor,
  testPrivateKey,
} from '../signing/signing.test-kit';
import type { ValidationReport } from '../validation/finding';
import { verifyClr, verifyCompactJws } from './clr.verifier';
import type { VerifyOptions } from './verification-report';

let institution: Signer;
let accreditor: Signer;
let signed: { signedClr: string; clr: Clr & { '@context': string | string[] } };

beforeAll(async () => {
  ({ institution, accreditor } = await fixtureSigners());
  signed = await signClr(loadUnsignedClr(), [institution, accreditor]);
});

/** Options with validation off: these specs are about signatures, keys and revocation. */
function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return { resolver: resolverFor([institution, accreditor]), validate: false, ...overrides };
}

const post = (signedClr: string) => ({ '@context': CLR_CONTEXT_URL, signedClr });

/** The Clr payload, changed, signed again with a given signer (default: the institution). */
async function resign(mutate: (clr: Clr) => void, signer = institution): Promise<string> {
  const clr = structuredClone(signed.clr);
  mutate(clr);
  return signCompactJws(clr, signer);
}

/** A JWS whose payload was changed after signing (header and signature kept). */
function tamper(jws: string, mutate: (payload: Record<string, unknown>) => void): string {
  const [header, , signature] = jws.split('.');
  const payload = payloadOf(jws);
  mutate(payload);
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

const reasons = (report: { findings: { path: string; stage: string; reason: string }[] }) =>
  report.findings.map((f) => `${f.stage} ${f.path}: ${f.reason}`);

describe('verifyClr: a correctly signed CLR', () => {
  it('is valid with the full validator, every signed object listed', async () => {
    const report = await verifyClr(post(signed.signedClr), {
      resolver: resolverFor([institution, accreditor]),
    });
    expect(reasons(report)).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(report.objects.map((o) => `${o.kind} ${o.path} ${o.valid}`)).toEqual([
      'clr $.signedClr true',
      'endorsement $.signedClr.signedEndorsements[0] true',
      'assertion $.signedClr.signedAssertions[0] true',
      'endorsement $.signedClr.signedAssertions[0].signedEndorsements[0] true',
      'assertion $.signedClr.signedAssertions[1] true',
      'assertion $.signedClr.signedAssertions[2] true',
    ]);
    expect(report.objects[0]).toMatchObject({ id: signed.clr.id, keyUrl: institution.keyUrl });
  });

  it('accepts the bare JWS, the JSON text of the payload, and bytes', async () => {
    const bare = await verifyClr(signed.signedClr, options());
    expect(bare.valid).toBe(true);
    expect(bare.objects[0]?.path).toBe('$');
    expect((await verifyClr(JSON.stringify(post(signed.signedClr)), options())).valid).toBe(true);
    expect((await verifyClr(Buffer.from(JSON.stringify(post(signed.signedClr))), options())).valid).toBe(
      true,
    );
  });

  it('falls back to the signing profile publicKey when verification.creator is absent', async () => {
    const jws = await resign((clr) => {
      clr.verification = { type: 'Signed' };
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([]);
  });

  it('accepts a kid equal to the key URL', async () => {
    const withUrlKid = await signCompactJws(signed.clr, { ...institution, kid: institution.keyUrl });
    expect(headerOf(withUrlKid).kid).toBe(institution.keyUrl);
    expect(reasons(await verifyClr(post(withUrlKid), options()))).toEqual([]);
  });

  it('checks a single signed assertion with verifyCompactJws', async () => {
    const report = await verifyCompactJws(signed.clr.signedAssertions?.[1] ?? '', 'assertion', options());
    expect(report.valid).toBe(true);
    expect(report.objects).toEqual([
      {
        path: '$',
        kind: 'assertion',
        id: signed.clr.signedAssertions && payloadOf(signed.clr.signedAssertions[1] ?? '').id,
        keyUrl: institution.keyUrl,
        valid: true,
      },
    ]);
  });
});

describe('verifyClr: signature', () => {
  it('rejects a tampered payload', async () => {
    const jws = tamper(signed.signedClr, (clr) => {
      clr.name = 'Altered';
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `signature $.signedClr: the signature does not verify with key ${institution.keyUrl}: the payload or header was altered, or another key signed it`,
    ]);
  });

  it('rejects a signature made with another key', async () => {
    const other = await signerFor(INSTITUTION_ID, 'test-other-rsa2048');
    const jws = await signCompactJws(signed.clr, { ...other, kid: institution.kid });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `signature $.signedClr: the signature does not verify with key ${institution.keyUrl}: the payload or header was altered, or another key signed it`,
    ]);
  });

  it('rejects alg none', async () => {
    const jws = forgeJws({ alg: 'none', kid: institution.kid }, signed.clr, undefined);
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      'signature $.signedClr: alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256',
    ]);
    const unsigned = `${jws.split('.').slice(0, 2).join('.')}.`;
    expect(reasons(await verifyClr(post(unsigned), options()))).toEqual([
      'signature $.signedClr: Clr JWS: alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256',
    ]);
  });

  it('rejects HS256, even keyed with the published public key (algorithm confusion)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: institution.kid })).toString('base64url');
    const body = Buffer.from(JSON.stringify(signed.clr)).toString('base64url');
    const mac = createHmac('sha256', institution.publicKeyPem)
      .update(`${header}.${body}`)
      .digest('base64url');
    const report = await verifyClr(post(`${header}.${body}.${mac}`), options());
    expect(reasons(report)).toEqual([
      'signature $.signedClr: HMAC algorithm HS256 is not accepted: a shared-secret signature cannot be checked against a published key; CLR signatures must be RS256',
    ]);
    expect(report.objects[0]?.valid).toBe(false);
  });

  it('rejects garbage segments with a clear reason', async () => {
    for (const [jws, reason] of [
      ['not-a-jws', 'a compact JWS has 3 dot-separated segments, this has 1'],
      ['%%%.@@@.!!!', 'the header segment is not base64url'],
      [
        'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln',
        'the payload is not acceptable JSON ($: the document is not valid JSON: unexpected character at offset 0)',
      ],
    ] as const) {
      const report = await verifyClr(post(jws), options());
      expect(report.valid).toBe(false);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]?.path).toBe('$.signedClr');
      expect(report.findings[0]?.stage).toBe('signature');
      expect(report.findings[0]?.reason.startsWith(`Clr JWS: ${reason.split(' (')[0]}`)).toBe(true);
    }
  });

  it('rejects a huge input quickly, without decoding it', async () => {
    const huge = `eyJhbGciOiJSUzI1NiJ9.${'A'.repeat(20 * 1024 * 1024)}.c2ln`;
    const report = await verifyClr(post(huge), options());
    expect(reasons(report)).toEqual([
      `signature $.signedClr: Clr JWS: the JWS is ${huge.length} characters, longer than the limit of ${16 * 1024 * 1024}`,
    ]);
  });

  it('reports an achievement listed in the Clr whose copy in a signed assertion differs', async () => {
    const input = loadUnsignedClr();
    input.achievements = (input.assertions ?? []).map((assertion) => structuredClone(assertion.achievement!));
    const listing = await signClr(input, [institution, accreditor]);
    const full = { resolver: resolverFor([institution, accreditor]) };
    expect(reasons(await verifyClr(post(listing.signedClr), full))).toEqual([]);

    const clr = structuredClone(listing.clr);
    clr.achievements![1].name = 'Renamed in the list only';
    const report = await verifyClr(post(await signCompactJws(clr, institution)), full);
    expect(reasons(report)).toEqual([
      'semantics $.signedClr.signedAssertions[1].achievement: this Achievement id is listed at $.signedClr.achievements[1] with different content; copies MUST match exactly',
    ]);
    expect(report.valid).toBe(false);
  });

  it('reports a signedClr whose inner signed assertion fails, naming the assertion', async () => {
    const jws = await resign((clr) => {
      const inner = clr.signedAssertions ?? [];
      inner[1] = tamper(inner[1] ?? '', (assertion) => {
        assertion.creditsEarned = 99;
      });
    });
    const report = await verifyClr(post(jws), options());
    expect(reasons(report)).toEqual([
      `signature $.signedClr.signedAssertions[1]: the signature does not verify with key ${institution.keyUrl}: the payload or header was altered, or another key signed it`,
    ]);
    expect(report.valid).toBe(false);
    expect(report.objects.find((o) => o.path === '$.signedClr')?.valid).toBe(true);
    expect(report.objects.find((o) => o.path === '$.signedClr.signedAssertions[1]')?.valid).toBe(false);
  });

  it('reports garbage inside signedAssertions', async () => {
    const jws = await resign((clr) => {
      clr.signedAssertions = ['garbage', ...(clr.signedAssertions ?? [])];
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      'signature $.signedClr.signedAssertions[0]: Assertion JWS: a compact JWS has 3 dot-separated segments, this has 1',
    ]);
  });

  it("requires verification.type 'Signed' on a signed object", async () => {
    const jws = await resign((clr) => {
      clr.verification = { type: 'Hosted', creator: institution.keyUrl };
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      "signature $.signedClr.verification.type: a signed Clr must have verification.type 'Signed' (found 'Hosted')",
    ]);
  });
});

describe('verifyClr: keys and key linkage', () => {
  it('rejects a key whose owner is another profile', async () => {
    const resolver = new MemoryKeyResolver({
      keys: [
        buildCryptographicKey({
          keyUrl: institution.keyUrl,
          ownerId: 'https://other.example/profile',
          publicKeyPem: institution.publicKeyPem,
        }),
        buildCryptographicKey({
          keyUrl: accreditor.keyUrl,
          ownerId: ACCREDITOR_ID,
          publicKeyPem: accreditor.publicKeyPem,
        }),
      ],
      revocationLists: [
        buildRevocationList({ url: institution.revocationListUrl, issuerId: INSTITUTION_ID, revokedIds: [] }),
        buildRevocationList({ url: accreditor.revocationListUrl, issuerId: ACCREDITOR_ID, revokedIds: [] }),
      ],
    });
    const report = await verifyClr(post(signed.signedClr), options({ resolver }));
    const reason = `key ${institution.keyUrl} is owned by https://other.example/profile, not by the signing profile ${INSTITUTION_ID}`;
    expect(reasons(report)).toEqual([
      `key $.signedClr.verification.creator: ${reason}`,
      `key $.signedClr.signedAssertions[0].verification.creator: ${reason}`,
      `key $.signedClr.signedAssertions[1].verification.creator: ${reason}`,
      `key $.signedClr.signedAssertions[2].verification.creator: ${reason}`,
    ]);
  });

  it('rejects a key the signing profile does not list', async () => {
    const jws = await resign((clr) => {
      delete clr.publisher.publicKey;
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `key $.signedClr.publisher: the signing profile (publisher) does not list key ${institution.keyUrl} (no publicKey)`,
    ]);
  });

  it('rejects a key when the profile lists another one', async () => {
    const jws = await resign((clr) => {
      clr.publisher.publicKey = {
        id: 'https://clr.example.edu/keys/older',
        owner: INSTITUTION_ID,
        publicKeyPem: institution.publicKeyPem,
      };
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `key $.signedClr.publisher.publicKey: the signing profile (publisher) lists key https://clr.example.edu/keys/older, not ${institution.keyUrl}`,
    ]);
  });

  it('rejects an embedded publicKeyPem that is not the published key', async () => {
    const jws = await resign((clr) => {
      clr.publisher.publicKey = {
        id: institution.keyUrl,
        owner: INSTITUTION_ID,
        publicKeyPem: readTestPem('test-other-rsa2048', 'public'),
      };
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `key $.signedClr.publisher.publicKey.publicKeyPem: the publicKeyPem in the signing profile (publisher) is not the key published at ${institution.keyUrl}`,
    ]);
  });

  it('uses the hosted profile when the resolver has one, and rejects a key it does not list', async () => {
    const resolver = resolverFor([institution, accreditor]);
    const hosted: Profile = {
      id: INSTITUTION_ID,
      type: 'Profile',
      revocationList: institution.revocationListUrl,
    };
    resolver.addProfile(hosted);
    resolver.addProfile({
      id: ACCREDITOR_ID,
      publicKey: { id: accreditor.keyUrl, owner: ACCREDITOR_ID, publicKeyPem: accreditor.publicKeyPem },
      revocationList: accreditor.revocationListUrl,
    });
    const report = await verifyClr(post(signed.signedClr), options({ resolver }));
    expect(reasons(report)[0]).toBe(
      `key $.signedClr.publisher: the hosted signing profile does not list key ${institution.keyUrl} (no publicKey)`,
    );
    hosted.publicKey = {
      id: institution.keyUrl,
      owner: INSTITUTION_ID,
      publicKeyPem: institution.publicKeyPem,
    };
    expect(reasons(await verifyClr(post(signed.signedClr), options({ resolver })))).toEqual([]);
  });

  it('rejects a key below 2048 bits', async () => {
    const weakUrl = 'https://clr.example.edu/ims/clr/v1p0/keys/weak';
    const resolver = resolverFor([institution, accreditor]).addKey({
      id: weakUrl,
      owner: INSTITUTION_ID,
      publicKeyPem: readTestPem('test-weak-rsa1024', 'public'),
    });
    const clr = structuredClone(signed.clr);
    clr.verification = { type: 'Signed', creator: weakUrl };
    clr.publisher.publicKey = {
      id: weakUrl,
      owner: INSTITUTION_ID,
      publicKeyPem: readTestPem('test-weak-rsa1024', 'public'),
    };
    const jws = forgeJws({ alg: 'RS256', kid: 'weak', typ: 'JWT' }, clr, testPrivateKey('test-weak-rsa1024'));
    expect(reasons(await verifyClr(post(jws), options({ resolver })))).toEqual([
      `key $.signedClr.verification.creator: key ${weakUrl} is not usable: the public RSA key has a 1024-bit modulus; at least 2048 bits are required`,
    ]);
  });

  it('rejects a key that cannot be resolved', async () => {
    const resolver = resolverFor([accreditor]);
    const report = await verifyClr(post(signed.signedClr), options({ resolver, revocation: 'if-available' }));
    expect(reasons(report)[0]).toBe(
      `key $.signedClr.verification.creator: key ${institution.keyUrl} could not be resolved: no key document with id ${institution.keyUrl}`,
    );
  });

  it('marks a key or revocation list that timed out or was unavailable as transient, and a missing one not', async () => {
    const documents = new MemoryKeyResolver({
      keys: [institution, accreditor].map((s) =>
        buildCryptographicKey({ keyUrl: s.keyUrl, ownerId: s.ownerId, publicKeyPem: s.publicKeyPem }),
      ),
      revocationLists: [institution, accreditor].map((s) =>
        buildRevocationList({ url: s.revocationListUrl, issuerId: s.ownerId, revokedIds: [] }),
      ),
    });
    const failing = (
      code: 'timeout' | 'unavailable' | 'not-found' | 'refused',
      what: 'key' | 'list',
    ): KeyResolver => ({
      getKey: (url) =>
        what === 'key' && url === institution.keyUrl
          ? Promise.reject(new KeyResolutionError(code, url, `${code} fetching ${url}`))
          : documents.getKey(url),
      getRevocationList: (url) =>
        what === 'list' && url === institution.revocationListUrl
          ? Promise.reject(new KeyResolutionError(code, url, `${code} fetching ${url}`))
          : documents.getRevocationList(url),
    });
    for (const [code, what, transient] of [
      ['timeout', 'key', true],
      ['unavailable', 'key', true],
      ['not-found', 'key', false],
      ['refused', 'key', false],
      ['timeout', 'list', true],
      ['unavailable', 'list', true],
      ['not-found', 'list', false],
    ] as const) {
      const report = await verifyClr(post(signed.signedClr), options({ resolver: failing(code, what) }));
      expect(report.valid).toBe(false);
      const first = report.findings[0];
      expect(first?.reason).toContain(`${code} fetching`);
      expect(first?.stage).toBe(what === 'key' ? 'key' : 'revocation');
      expect(first?.transient).toBe(transient ? true : undefined);
    }
  });

  it('rejects a kid that does not identify the key', async () => {
    const jws = await signCompactJws(signed.clr, { ...institution, kid: 'some-other-key' });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      `key $.signedClr: JWS header kid 'some-other-key' does not identify key ${institution.keyUrl} (verification.creator)`,
    ]);
  });

  it('rejects an object with neither verification.creator nor a listed key', async () => {
    const jws = await resign((clr) => {
      clr.verification = { type: 'Signed' };
      delete clr.publisher.publicKey;
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      'key $.signedClr.verification.creator: no key to check against: verification.creator is missing and the signing profile (publisher) lists no publicKey',
    ]);
  });

  it('rejects a signed assertion without an issuer', async () => {
    const assertion = payloadOf<Assertion>(signed.clr.signedAssertions?.[0] ?? '');
    delete assertion.achievement;
    const jws = await signCompactJws(assertion, institution);
    const report = await verifyCompactJws(jws, 'assertion', options());
    expect(reasons(report)).toContain(
      'key $.achievement.issuer: no achievement.issuer.id: the profile that signed the Assertion is unknown, so no key can be trusted',
    );
  });
});

describe('verifyClr: revocation', () => {
  const assertionId = () => payloadOf(signed.clr.signedAssertions?.[1] ?? '').id as string;

  it('rejects a revoked assertion, naming it and the list', async () => {
    const resolver = resolverFor([institution, accreditor], { [INSTITUTION_ID]: [assertionId()] });
    const report = await verifyClr(post(signed.signedClr), options({ resolver }));
    expect(reasons(report)).toEqual([
      `revocation $.signedClr.signedAssertions[1]: the Assertion ${assertionId()} is revoked (listed in ${institution.revocationListUrl})`,
    ]);
  });

  it('rejects a revoked Clr and a revoked endorsement', async () => {
    const endorsementId = payloadOf(signed.clr.signedEndorsements?.[0] ?? '').id as string;
    const resolver = resolverFor([institution, accreditor], {
      [INSTITUTION_ID]: [signed.clr.id],
      [ACCREDITOR_ID]: [endorsementId],
    });
    expect(reasons(await verifyClr(post(signed.signedClr), options({ resolver })))).toEqual([
      `revocation $.signedClr: the Clr ${signed.clr.id} is revoked (listed in ${institution.revocationListUrl})`,
      `revocation $.signedClr.signedEndorsements[0]: the Endorsement ${endorsementId} is revoked (listed in ${accreditor.revocationListUrl})`,
    ]);
  });

  it('rejects an object marked revoked: true', async () => {
    const jws = await resign((clr) => {
      clr.revoked = true;
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      'revocation $.signedClr.revoked: the Clr is marked revoked',
    ]);
  });

  it('requires the revocation list by default, and only warns in if-available mode', async () => {
    const resolver = new MemoryKeyResolver({
      keys: [institution, accreditor].map((s) =>
        buildCryptographicKey({ keyUrl: s.keyUrl, ownerId: s.ownerId, publicKeyPem: s.publicKeyPem }),
      ),
    });
    const reason = `revocation list ${institution.revocationListUrl} could not be resolved: no revocation list with id ${institution.revocationListUrl}`;
    const required = await verifyClr(post(signed.signedClr), options({ resolver }));
    expect(required.valid).toBe(false);
    expect(reasons(required)[0]).toBe(`revocation $.signedClr: ${reason}`);
    expect(required.findings).toHaveLength(6);

    const offline = await verifyClr(
      post(signed.signedClr),
      options({ resolver, revocation: 'if-available' }),
    );
    expect(offline.valid).toBe(true);
    expect(offline.warnings[0]).toEqual({
      path: '$.signedClr',
      stage: 'revocation',
      reason: `${reason} (revocation not checked)`,
    });
    expect(offline.warnings).toHaveLength(6);
  });

  it('requires a revocationList on the signing profile', async () => {
    const jws = await resign((clr) => {
      delete clr.publisher.revocationList;
    });
    expect(reasons(await verifyClr(post(jws), options()))).toEqual([
      'revocation $.signedClr: the signing profile (publisher) has no revocationList, so revocation of the Clr cannot be checked',
    ]);
  });

  it("rejects a revocation list that is not the signing profile's", async () => {
    const resolver = resolverFor([accreditor]).addKey(
      buildCryptographicKey({
        keyUrl: institution.keyUrl,
        ownerId: INSTITUTION_ID,
        publicKeyPem: institution.publicKeyPem,
      }),
    );
    resolver.addRevocationList(
      buildRevocationList({ url: institution.revocationListUrl, issuerId: ACCREDITOR_ID, revokedIds: [] }),
    );
    expect(reasons(await verifyClr(post(signed.signedClr), options({ resolver })))[0]).toBe(
      `revocation $.signedClr: revocation list ${institution.revocationListUrl} belongs to ${ACCREDITOR_ID}, not to the signing profile ${INSTITUTION_ID}`,
    );
  });

  it('rejects an expired assertion, and accepts it before expiry', async () => {
    const assertion = payloadOf<Assertion>(signed.clr.signedAssertions?.[2] ?? '');
    assertion.expires = '2025-01-01T00:00:00Z';
    const jws = await signCompactJws(assertion, institution);
    expect(
      reasons(await verifyCompactJws(jws, 'assertion', options({ now: new Date('2025-06-01T00:00:00Z') }))),
    ).toEqual(['semantics $.expires: the assertion expired at 2025-01-01T00:00:00.000Z']);
    expect(
      reasons(await verifyCompactJws(jws, 'assertion', options({ now: new Date('2024-12-01T00:00:00Z') }))),
    ).toEqual([]);
  });
});

describe('verifyClr: input shapes and limits', () => {
  it('refuses a postClr payload with both clr and signedClr', async () => {
    expect(
      reasons(
        await verifyClr(
          { '@context': CLR_CONTEXT_URL, clr: signed.clr, signedClr: signed.signedClr },
          options(),
        ),
      ),
    ).toEqual(['input $: a postClr payload carries clr or signedClr, not both']);
  });

  it.each([[42], [null], [[1, 2]]])('refuses %j', async (input) => {
    expect(reasons(await verifyClr(input, options()))).toEqual([
      'input $: expected a postClr payload, a ClrSet, a Clr or a compact JWS of a Clr',
    ]);
  });

  it('checks the signed parts of an unsigned clr and warns about what it cannot check', async () => {
    const clr = loadUnsignedClr();
    clr.signedAssertions = signed.clr.signedAssertions ?? [];
    const report = await verifyClr({ '@context': CLR_CONTEXT_URL, clr }, options());
    expect(report.valid).toBe(true);
    expect(report.objects.map((o) => o.path)).toEqual([
      '$.clr.signedAssertions[0]',
      '$.clr.signedAssertions[0].signedEndorsements[0]',
      '$.clr.signedAssertions[1]',
      '$.clr.signedAssertions[2]',
    ]);
    expect(report.warnings.map((w) => w.path)).toEqual([
      '$.clr.assertions[0].verification',
      '$.clr.assertions[1].verification',
      '$.clr.assertions[2].verification',
    ]);
    expect(report.warnings[0]?.reason).toBe(
      "the assertion says verification 'Signed' but is not in signedAssertions: it was not checked",
    );
  });

  it('checks a ClrSet', async () => {
    const report = await verifyClr(
      { '@context': CLR_CONTEXT_URL, signedClrs: [signed.signedClr, 'x.y'] },
      options(),
    );
    expect(reasons(report)).toEqual([
      'signature $.signedClrs[1]: Clr JWS: a compact JWS has 3 dot-separated segments, this has 2',
    ]);
  });

  it('stops after maxSignedObjects, saying so once', async () => {
    const report = await verifyClr(post(signed.signedClr), options({ maxSignedObjects: 2 }));
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      stage: 'input',
      reason: 'more than 2 signed objects: this and later ones were not checked',
    });
    expect(report.objects).toHaveLength(2);
  });

  it('refuses signed objects nested more than 5 deep', async () => {
    const endorsement = loadUnsignedClr().endorsements?.[0] as Endorsement;
    let jws = '';
    for (let level = 0; level < 7; level += 1) {
      // Endorsements carry no signedEndorsements in the model; the walker must still bound nesting.
      const nested: Endorsement = Object.assign({ ...endorsement }, jws ? { signedEndorsements: [jws] } : {});
      jws = (await signEndorsement(nested, accreditor)).jws;
    }
    const report = await verifyCompactJws(jws, 'endorsement', options());
    expect(reasons(report)).toEqual([
      `input $${'.signedEndorsements[0]'.repeat(5)}: signed objects nested more than 5 deep`,
    ]);
  });
});

describe('verifyClr: validation (step 2)', () => {
  it('rebases validator findings and warnings onto the JWS path', async () => {
    const seen: string[] = [];
    const validate = (kind: string, value: unknown): ValidationReport => {
      seen.push(kind);
      if (
        kind === 'assertion' &&
        (value as { id: string }).id === payloadOf(signed.clr.signedAssertions?.[2] ?? '').id
      ) {
        return {
          valid: false,
          findings: [{ path: '$.issuedOn', stage: 'structure', reason: 'must be a date-time' }],
          warnings: [{ path: '$.recipient.type', stage: 'json-ld', reason: 'a remark' }],
        };
      }
      return { valid: true, findings: [] };
    };
    const report = await verifyClr(post(signed.signedClr), options({ validate }));
    expect(reasons(report)).toEqual([
      'structure $.signedClr.signedAssertions[2].issuedOn: must be a date-time',
    ]);
    expect(report.warnings).toEqual([
      { path: '$.signedClr.signedAssertions[2].recipient.type', stage: 'json-ld', reason: 'a remark' },
    ]);
    expect(new Set(seen)).toEqual(
      new Set(['clr', 'assertion', 'endorsement', 'cryptographicKey', 'revocationList']),
    );
  });

  it('reports a validator that throws as a finding', async () => {
    const report = await verifyCompactJws(
      signed.clr.signedAssertions?.[1] ?? '',
      'assertion',
      options({ validate: () => Promise.reject(new Error('boom')) }),
    );
    expect(reasons(report)).toEqual(['structure $: the validator failed: boom']);
  });

  it('validates an Open Credential Publisher style payload (no @context) with the CLR context, warning', async () => {
    const assertion = payloadOf<Record<string, unknown>>(signed.clr.signedAssertions?.[1] ?? '');
    delete assertion['@context'];
    const jws = await signCompactJws(assertion, institution);
    const contexts: unknown[] = [];
    const report = await verifyCompactJws(
      jws,
      'assertion',
      options({
        validate: (_kind, value) => {
          contexts.push((value as Record<string, unknown>)['@context']);
          return { valid: true, findings: [] };
        },
      }),
    );
    expect(report.valid).toBe(true);
    expect(contexts[0]).toBe(CLR_CONTEXT_URL);
    expect(report.warnings).toEqual([
      {
        path: '$',
        stage: 'structure',
        reason: 'the signed Assertion payload has no @context; it was validated with the CLR 1.0 context',
      },
    ]);
  });

  it('reports a schema problem of a key document once, as a warning', async () => {
    const resolver = resolverFor([institution, accreditor]);
    const { '@context': _context, ...bare } = buildCryptographicKey({
      keyUrl: institution.keyUrl,
      ownerId: INSTITUTION_ID,
      publicKeyPem: institution.publicKeyPem,
    });
    resolver.addKey(bare);
    const report = await verifyClr(post(signed.signedClr), { resolver });
    expect(report.valid).toBe(true);
    const keyWarnings = report.warnings.filter((w) => w.stage === 'key');
    expect(keyWarnings.length).toBeGreaterThan(0);
    expect(new Set(keyWarnings.map((w) => w.path))).toEqual(new Set(['$.signedClr.verification.creator']));
    expect(keyWarnings[0]?.reason).toMatch(
      new RegExp(`^key document ${institution.keyUrl.replace(/[.?]/g, '\\$&')} is invalid at \\$`),
    );
  });
});
