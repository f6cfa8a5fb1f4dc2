/**
 * signClr copies a plain JSON tree (what the mapping makes) with a walk of its own and anything
 * else with structuredClone, as it always did; both paths must sign byte for byte the same. A
 * CLR holding a Date serialises like one holding the Date's ISO text, and the Date sends it down
 * the structuredClone path: so each case signs both and compares.
 */
import { createPublicKey } from 'node:crypto';
import type { Assertion, Clr, Endorsement } from '../model';
import { signClr, type SignerSet, type SignOptions } from './clr.signer';
import { fixtureSigners, loadUnsignedClr, payloadOf } from './signing.test-kit';

const WHEN = new Date(Date.UTC(2025, 6, 15, 12, 0, 0));

type Extended<T> = T & Record<string, unknown>;

function endorsementOf(clr: Clr): Endorsement {
  return structuredClone(clr.endorsements![0]);
}

// Every row has its options (jest would take a missing third argument for `done`).
const cases: [string, (clr: Clr) => void, SignOptions][] = [
  ['the fixture CLR', () => undefined, {}],
  [
    'a Hosted assertion kept in place',
    (clr) => {
      clr.assertions![1].verification = { type: 'Hosted' };
    },
    {},
  ],
  [
    'assertions with @context first, later, and null',
    (clr) => {
      const [a, b, c] = clr.assertions as Extended<Assertion>[];
      clr.assertions = [
        { '@context': 'https://example.org/first', ...a } as Assertion,
        { ...b, '@context': ['https://example.org/a', 'https://example.org/b'] } as Assertion,
        { ...c, '@context': null } as unknown as Assertion,
      ];
    },
    {},
  ],
  [
    'signed endorsements on the publisher, the learner, achievements, issuers and sources',
    (clr) => {
      const hosted = { ...endorsementOf(clr), id: 'urn:uuid:hosted', verification: { type: 'Hosted' } };
      clr.publisher.endorsements = [endorsementOf(clr), hosted as Endorsement];
      clr.learner.endorsements = [endorsementOf(clr)];
      for (const assertion of clr.assertions ?? []) {
        const achievement = assertion.achievement!;
        achievement.endorsements = [{ ...endorsementOf(clr), id: `${achievement.id}#e` }];
        achievement.issuer.endorsements = [{ ...endorsementOf(clr), id: `${achievement.id}#i` }];
        assertion.source = { ...clr.publisher, endorsements: [endorsementOf(clr)] };
      }
    },
    {},
  ],
  [
    '40 assertions with text in many scripts, integer-like keys and undefined members',
    (clr) => {
      const template = clr.assertions![2];
      clr.assertions = Array.from({ length: 40 }, (_, i) => {
        const assertion = structuredClone(template) as Extended<Assertion>;
        assertion.id = `${template.id}-${i}`;
        assertion['narrative'] = `Thảo – 学习 – ✓ ${i} "quoted" \\ back`;
        assertion['extension'] = { 10: 'ten', 2: 'two', b: undefined, a: [1, null, { z: 0 }] };
        return assertion;
      });
    },
    {},
  ],
  [
    'signed assertions already present',
    (clr) => {
      clr.signedAssertions = ['aaaa.bbbb.cccc'];
    },
    {},
  ],
  ['no assertions', (clr) => delete clr.assertions, {}],
  ['public keys left out', () => undefined, { embedPublicKey: false }],
];

describe('signClr on a plain JSON tree and through structuredClone', () => {
  let signers: SignerSet;
  beforeAll(async () => {
    const { institution, accreditor } = await fixtureSigners();
    signers = [institution, accreditor];
  });

  it.each(cases)('signs %s the same either way', async (_name, change, options) => {
    const tree = loadUnsignedClr() as Extended<Clr>;
    change(tree);
    const viaClone = structuredClone(tree);
    tree['validUntil'] = WHEN.toISOString();
    viaClone['validUntil'] = WHEN;
    const before = JSON.stringify(tree);

    const cloned = jest.spyOn(globalThis, 'structuredClone');
    const fromTree = await signClr(tree, signers, options);
    const fromClone = await signClr(viaClone, signers, options);
    const roots = cloned.mock.calls.map(([value]) => value);
    cloned.mockRestore();
    expect(roots.includes(tree)).toBe(false);
    expect(roots.includes(viaClone)).toBe(true);
    expect(fromTree.signedClr).toBe(fromClone.signedClr);
    expect(JSON.stringify(fromTree.clr)).toBe(JSON.stringify(fromClone.clr));
    expect(JSON.stringify(tree)).toBe(before); // the input is not modified
    expect(payloadOf(fromTree.signedClr)).toEqual(JSON.parse(JSON.stringify(fromTree.clr)));
  });

  it('returns a payload that shares no object with the input', async () => {
    const input = loadUnsignedClr();
    const { clr } = await signClr(input, signers);
    expect(clr.learner).not.toBe(input.learner);
    expect(clr.publisher).not.toBe(input.publisher);
    clr.learner.name = 'changed';
    expect(input.learner.name).not.toBe('changed');
  });

  it("rejects with the signing thread's error when a key cannot sign", async () => {
    const { institution, accreditor } = await fixtureSigners();
    const broken = { ...accreditor, privateKey: createPublicKey(accreditor.privateKey) };
    await expect(signClr(loadUnsignedClr(), [institution, broken])).rejects.toMatchObject({
      code: 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE',
    });
    // Nothing is left stuck: the next CLR signs.
    await expect(signClr(loadUnsignedClr(), [institution, accreditor])).resolves.toHaveProperty('signedClr');
  });
});
