import type { Assertion, Clr, Endorsement } from '../model';
import { CLR_CONTEXT_URL } from '../model';
import { validateClr } from '../validation/validate-document';
import { signAssertion, signClr, signEndorsement } from './clr.signer';
import { SigningError } from './signing-error';
import {
  ACCREDITOR_ID,
  fixtureSigners,
  headerOf,
  INSTITUTION_ID,
  loadUnsignedClr,
  payloadOf,
  signerFor,
} from './signing.test-kit';

async function signingFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'signed';
  } catch (error) {
    return error instanceof SigningError ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
  }
}

describe('signClr', () => {
  it('signs endorsements, then assertions, then the Clr, as Open Credential Publisher does', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input = loadUnsignedClr();
    const before = JSON.stringify(input);
    const { signedClr, clr } = await signClr(input, [institution, accreditor]);

    expect(JSON.stringify(input)).toBe(before);
    expect(payloadOf(signedClr)).toEqual(clr);
    expect(Object.keys(clr)[0]).toBe('@context');
    expect(clr['@context']).toBe(CLR_CONTEXT_URL);
    expect(headerOf(signedClr)).toEqual({ alg: 'RS256', kid: institution.kid, typ: 'JWT' });

    // The Clr: verification points at the publisher's key; the publisher lists key and list.
    expect(clr.verification).toEqual({ type: 'Signed', creator: institution.keyUrl });
    expect(clr.publisher.publicKey).toEqual({
      id: institution.keyUrl,
      type: 'CryptographicKey',
      owner: INSTITUTION_ID,
      publicKeyPem: institution.publicKeyPem,
    });
    expect(clr.publisher.revocationList).toBe(institution.revocationListUrl);

    // Assertions moved into signedAssertions, in order.
    expect(clr.assertions).toBeUndefined();
    expect(clr.signedAssertions).toHaveLength(3);
    const assertions = (clr.signedAssertions ?? []).map((jws) =>
      payloadOf<Assertion & { '@context': string }>(jws),
    );
    expect(assertions.map((a) => a.id)).toEqual(input.assertions?.map((a) => a.id));
    for (const assertion of assertions) {
      expect(assertion['@context']).toBe(CLR_CONTEXT_URL);
      expect(assertion.verification).toEqual({ type: 'Signed', creator: institution.keyUrl });
      expect(assertion.achievement?.issuer.publicKey?.id).toBe(institution.keyUrl);
      expect(assertion.achievement?.issuer.revocationList).toBe(institution.revocationListUrl);
    }

    // The Assertion's endorsement, signed by the accreditor, moved into its signedEndorsements.
    const first = assertions[0];
    expect(first?.endorsements).toBeUndefined();
    expect(first?.signedEndorsements).toHaveLength(1);
    const endorsement = payloadOf<Endorsement>(first?.signedEndorsements?.[0] ?? '');
    expect(endorsement.verification).toEqual({ type: 'Signed', creator: accreditor.keyUrl });
    expect(endorsement.issuer.publicKey?.owner).toBe(ACCREDITOR_ID);
    expect(headerOf(first?.signedEndorsements?.[0] ?? '').kid).toBe(accreditor.kid);

    // The Clr's own endorsement.
    expect(clr.endorsements).toBeUndefined();
    expect(clr.signedEndorsements).toHaveLength(1);
    expect(payloadOf<Endorsement>(clr.signedEndorsements?.[0] ?? '').claim.id).toBe(input.id);
  });

  it('links achievement issuers to their keys in achievements as in the signed assertions: the copies match', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input = loadUnsignedClr();
    // Every asserted achievement also listed, and the second assertion Hosted.
    input.achievements = (input.assertions ?? []).map((assertion) => structuredClone(assertion.achievement!));
    input.assertions![1].verification = { type: 'Hosted' };
    const { clr } = await signClr(input, [institution, accreditor]);

    const listed = new Map((clr.achievements ?? []).map((achievement) => [achievement.id, achievement]));
    const signed = (clr.signedAssertions ?? []).map((jws) => payloadOf<Assertion>(jws));
    for (const assertion of [...signed, ...(clr.assertions ?? [])]) {
      expect(listed.get(assertion.achievement!.id)).toEqual(assertion.achievement);
    }
    expect(clr.achievements?.[0]?.issuer.publicKey?.id).toBe(institution.keyUrl);
    expect(clr.achievements?.[0]?.issuer.revocationList).toBe(institution.revocationListUrl);

    // The CLR with its signed assertions read back in place: no copy differs.
    const { signedAssertions, ...rest } = clr;
    const inline = {
      ...rest,
      assertions: [
        ...(clr.assertions ?? []),
        ...(signedAssertions ?? []).map((jws) => payloadOf<Assertion>(jws)),
      ],
    };
    const report = await validateClr(inline);
    expect(report.findings.filter((finding) => /different content/.test(finding.reason))).toEqual([]);
  });

  it('is deterministic: the same input and keys give the same JWS', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const a = await signClr(loadUnsignedClr(), [institution, accreditor]);
    const b = await signClr(loadUnsignedClr(), [accreditor, institution]);
    expect(a.signedClr).toBe(b.signedClr);
  });

  it('keeps Hosted assertions and endorsements unsigned in place', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input = loadUnsignedClr();
    const hosted = input.assertions?.[1] as Assertion;
    hosted.verification = { type: 'Hosted' };
    (input.endorsements?.[0] as Endorsement).verification = { type: 'Hosted' };
    const { clr } = await signClr(input, [institution, accreditor]);
    expect(clr.assertions?.map((a) => a.id)).toEqual([hosted.id]);
    expect(clr.signedAssertions).toHaveLength(2);
    expect(clr.endorsements).toHaveLength(1);
    expect(clr.signedEndorsements).toBeUndefined();
  });

  it('appends to signedAssertions already present', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input: Clr = { ...loadUnsignedClr(), signedAssertions: ['aaaa.bbbb.cccc'] };
    const { clr } = await signClr(input, [institution, accreditor]);
    expect(clr.signedAssertions?.[0]).toBe('aaaa.bbbb.cccc');
    expect(clr.signedAssertions).toHaveLength(4);
  });

  it('can leave the public key out of the profiles', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const { clr } = await signClr(loadUnsignedClr(), [institution, accreditor], { embedPublicKey: false });
    expect(clr.publisher.publicKey).toBeUndefined();
    expect(clr.publisher.revocationList).toBe(institution.revocationListUrl);
  });

  it('signs the same shared issuer object once per payload', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input = loadUnsignedClr();
    const shared = input.publisher;
    for (const assertion of input.assertions ?? [])
      if (assertion.achievement) assertion.achievement.issuer = shared;
    const { clr } = await signClr(input, [institution, accreditor]);
    expect(clr.signedAssertions).toHaveLength(3);
  });

  it('refuses when a profile has no signer, naming the object and the profile', async () => {
    const { institution } = await fixtureSigners();
    await expect(signingFailure(signClr(loadUnsignedClr(), institution))).resolves.toBe(
      `no-signer: $.endorsements[0]: no signing key for issuer ${ACCREDITOR_ID}`,
    );
  });

  it('refuses an assertion without achievement.issuer.id', async () => {
    const { institution, accreditor } = await fixtureSigners();
    const input = loadUnsignedClr();
    delete (input.assertions?.[2] as Assertion).achievement;
    await expect(signingFailure(signClr(input, [institution, accreditor]))).resolves.toBe(
      'invalid-object: $.assertions[2]: no achievement.issuer.id: cannot tell whose key signs it',
    );
  });

  it('refuses two signers for one profile', async () => {
    const a = await signerFor(INSTITUTION_ID);
    const b = await signerFor(INSTITUTION_ID, 'test-other-rsa2048');
    await expect(signingFailure(signClr(loadUnsignedClr(), [a, b]))).resolves.toBe(
      `invalid-signers: $: two signers for profile ${INSTITUTION_ID}`,
    );
  });
});

describe('signAssertion and signEndorsement', () => {
  it('sign one Assertion as a standalone document', async () => {
    const { institution } = await fixtureSigners();
    const assertion = loadUnsignedClr().assertions?.[1] as Assertion;
    const { jws, payload } = await signAssertion(assertion, institution);
    expect(payloadOf(jws)).toEqual(payload);
    expect(Object.keys(payload)[0]).toBe('@context');
    expect(payload.verification).toEqual({ type: 'Signed', creator: institution.keyUrl });
    expect(assertion.verification).toEqual({ type: 'Signed' });
  });

  it('refuse an Assertion whose issuer the signer does not own', async () => {
    const { accreditor } = await fixtureSigners();
    await expect(
      signingFailure(signAssertion(loadUnsignedClr().assertions?.[1] as Assertion, accreditor)),
    ).resolves.toBe(`no-signer: $: no signing key for achievement.issuer ${INSTITUTION_ID}`);
  });

  it('sign one Endorsement with its issuer key', async () => {
    const { accreditor } = await fixtureSigners();
    const endorsement = loadUnsignedClr().endorsements?.[0] as Endorsement;
    const { jws, payload } = await signEndorsement(endorsement, accreditor);
    expect(headerOf(jws).kid).toBe(accreditor.kid);
    expect(payload.issuer.revocationList).toBe(accreditor.revocationListUrl);
  });
});
