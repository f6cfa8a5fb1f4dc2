/**
 * Seeds a publisher store the way the build leaves it: signing keys (the committed TEST-ONLY keys
 * of test/fixtures/keys), the (key, owner Profile) pairs, CLR versions signed with `signClr`,
 * the assertion ledger and revocations, all through the store's repositories.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Achievement,
  type Assertion,
  type Clr,
  type Profile,
  type Signer,
  createSigner,
  hashIdentity,
  rsaKeyThumbprint,
  signClr,
} from '@app/clr';
import { ClrIdFactory } from '@app/mapping';
import { PublicationUrls } from '@app/publishing';
import { type PublisherStore } from '@app/store';

const KEYS_DIR = resolve(__dirname, '../fixtures/keys');

export function testPem(
  name: 'test-issuer-rsa2048' | 'test-other-rsa2048',
  part: 'private' | 'public',
): string {
  return readFileSync(resolve(KEYS_DIR, `${name}.${part}.pem`), 'utf8');
}

export interface SeedIds {
  ids: ClrIdFactory;
  urls: PublicationUrls;
  institutionId: string;
  /** An org unit (`/profiles/{h}`) that issues one assertion. */
  orgUnitId: string;
  orgUnitSegment: string;
  /** The key that signed everything (retired since). */
  oldKid: string;
  /** The active key: used for the institution only, after the CLRs were signed. */
  newKid: string;
}

/** One learner's CLR as stored, and what it carries. */
export interface SeededClr {
  learnerRef: string;
  clrId: string;
  segment: string;
  signed: boolean;
  assertionIds: string[];
  issuedOn: string;
}

export interface Seeded extends SeedIds {
  /** Learner 1: version 2 is latest (A1 signed, A2 signed by the org unit, A3 hosted); A4 vanished. */
  main: SeededClr & {
    signedAssertion: string;
    orgAssertion: string;
    hostedAssertion: string;
    vanishedAssertion: string;
  };
  /** A CLR whose id is on the institution's revocation list. */
  revoked: SeededClr;
  /** Every CLR a getClrs reader sees, oldest issuedOn first. */
  listed: SeededClr[];
}

const LEARNERS = 7;

export async function seedPublisherStore(
  store: PublisherStore,
  publicBaseUrl: string,
  idSecret: string,
): Promise<Seeded> {
  const ids = new ClrIdFactory(publicBaseUrl, idSecret);
  const urls = new PublicationUrls(publicBaseUrl, ids);
  const institutionId = ids.institutionProfileId();
  const orgUnitId = ids.organizationProfileId('ENG');
  const orgUnitSegment = urls.profileSegment(orgUnitId);

  const oldPrivate = testPem('test-issuer-rsa2048', 'private');
  const oldKid = await rsaKeyThumbprint(createPublicKey(oldPrivate));
  await store.keys.rotateKey({
    kid: oldKid,
    publicPem: testPem('test-issuer-rsa2048', 'public'),
    privateKeyPem: oldPrivate,
  });
  const signers: Signer[] = [];
  for (const ownerId of [institutionId, orgUnitId]) {
    const documentId = urls.keyDocumentId(oldKid, ownerId);
    await store.keyOwners.record({ documentId, kid: oldKid, ownerId });
    signers.push(
      await createSigner({
        kid: oldKid,
        keyUrl: urls.keyUrl(documentId),
        ownerId,
        revocationListUrl: urls.revocationListUrl(urls.revocationListId(ownerId)),
        privateKey: oldPrivate,
      }),
    );
  }

  const institution: Profile = {
    id: institutionId,
    type: 'Profile',
    name: 'Test University',
    sourcedId: 'test-university',
    url: 'https://www.test-university.example',
    email: 'registrar@test-university.example',
  };
  const orgUnit: Profile = {
    id: orgUnitId,
    type: 'Profile',
    name: 'School of Engineering',
    parentOrg: institution,
  };

  const assertion = (learner: number, key: string, issuer: Profile, hosted = false): Assertion => {
    const email = `learner${learner}@students.test-university.example`;
    const id = ids.assertionId('course-grade', `${learner}/${key}`);
    const achievement: Achievement = {
      id: ids.achievementId('course', key),
      type: 'Achievement',
      achievementType: 'Course',
      name: `Course ${key}`,
      issuer,
    };
    const result: Assertion = {
      id,
      type: 'Assertion',
      achievement,
      issuedOn: '2024-05-01T12:00:00Z',
      recipient: { type: 'email', hashed: true, ...hashIdentity(email, ids.recipientSalt(id)) },
    };
    if (hosted) result.verification = { type: 'Hosted' };
    return result;
  };

  const clrOf = (learner: number, assertions: Assertion[], issuedOn: string): Clr => ({
    id: ids.clrId(`S-${learner}`),
    type: 'Clr',
    name: 'Test University Comprehensive Learner Record',
    issuedOn,
    learner: {
      id: ids.learnerProfileId(`S-${learner}`),
      type: 'Profile',
      email: `learner${learner}@students.test-university.example`,
    },
    publisher: institution,
    assertions,
  });

  const store1 = async (
    learner: number,
    version: number,
    assertions: Assertion[],
    issuedOn: string,
    signed = true,
  ): Promise<SeededClr> => {
    const clr = clrOf(learner, assertions, issuedOn);
    const learnerRef = `ref-${learner}`;
    const signedClr = signed ? (await signClr(clr, signers)).signedClr : null;
    await store.versions.storeVersion({
      learnerRef,
      learnerId: `S-${learner}`,
      version,
      contentHash: `hash-${learner}-${version}`,
      clrId: clr.id,
      signedPayload: signedClr,
      unsignedJson: JSON.stringify(clr),
      issuedOn: new Date(issuedOn),
      keyId: signed ? oldKid : null,
    });
    await store.ledger.upsertActive(
      learnerRef,
      version,
      assertions.map((item) => ({
        assertionId: item.id,
        sourceKind: 'course_grade',
        sourceKey: item.id.slice(-8),
        achievementId: item.achievement!.id,
      })),
    );
    return {
      learnerRef,
      clrId: clr.id,
      segment: clr.id.slice(clr.id.lastIndexOf('/') + 1),
      signed,
      assertionIds: assertions.map((item) => item.id),
      issuedOn,
    };
  };

  // Learner 1: version 1 carries A1..A4; version 2 drops A4, which is revoked as the build does.
  const a1 = assertion(1, 'MATH-101', institution);
  const a2 = assertion(1, 'ENG-201', orgUnit);
  const a3 = assertion(1, 'ART-110', institution, true);
  const a4 = assertion(1, 'HIS-120', institution);
  await store1(1, 1, [a1, a2, a3, a4], '2024-06-01T00:00:00Z');
  const main = await store1(1, 2, [a1, a2, a3], '2024-06-01T00:00:01Z');
  await store.ledger.revokeVanished(main.learnerRef, main.assertionIds, {
    reason: 'the SIS no longer has the record this assertion was made from',
    issuerId: institutionId,
  });

  // Learner 2: a CLR the institution revoked.
  const revoked = await store1(2, 1, [assertion(2, 'MATH-101', institution)], '2024-06-01T00:00:02Z');
  await store.revocations.add(institutionId, revoked.clrId, 'withdrawn by the registrar');

  // Learners 3..7: more CLRs to page through; the last one is published unsigned.
  const listed: SeededClr[] = [main];
  for (let learner = 3; learner <= LEARNERS; learner += 1) {
    listed.push(
      await store1(
        learner,
        1,
        [assertion(learner, 'MATH-101', institution)],
        `2024-06-0${learner}T00:00:00Z`,
        learner !== LEARNERS,
      ),
    );
  }

  // A later key rotation: the institution's Profile now links the new key; the org unit's keeps
  // the only key it was ever used with.
  const newPrivate = testPem('test-other-rsa2048', 'private');
  const newKid = await rsaKeyThumbprint(createPublicKey(newPrivate));
  await store.keys.rotateKey({
    kid: newKid,
    publicPem: testPem('test-other-rsa2048', 'public'),
    privateKeyPem: newPrivate,
  });
  await store.keyOwners.record({
    documentId: urls.keyDocumentId(newKid, institutionId),
    kid: newKid,
    ownerId: institutionId,
  });

  return {
    ids,
    urls,
    institutionId,
    orgUnitId,
    orgUnitSegment,
    oldKid,
    newKid,
    main: {
      ...main,
      signedAssertion: a1.id,
      orgAssertion: a2.id,
      hostedAssertion: a3.id,
      vanishedAssertion: a4.id,
    },
    revoked,
    listed,
  };
}
