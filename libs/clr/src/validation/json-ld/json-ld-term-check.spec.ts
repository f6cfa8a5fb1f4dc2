import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseJsonDocument } from '../../json/parse-json-document';
import { findProjectRoot } from '../../schemas/schema-locator';
import type { DocumentKind } from '../document-kind';
import { validateDocument } from '../validate-document';
import { checkJsonLdTerms } from './json-ld-term-check';
import { validateJsonLd } from './json-ld-validator';

const fixtureDir = join(findProjectRoot(), 'test', 'fixtures', 'clr');

/** The kind of every fixture that is not a postClr payload (see the fixture READMEs). */
const KINDS: Record<string, DocumentKind> = {
  'valid/clr-with-revoked-assertion.json': 'clr',
  'valid/get-clr.json': 'getClr',
  'valid/clr-set.json': 'clrSet',
  'valid/assertion.json': 'assertion',
  'valid/endorsement.json': 'endorsement',
  'valid/cryptographic-key.json': 'cryptographicKey',
  'valid/revocation-list.json': 'revocationList',
  'valid/discovery.json': 'discovery',
  'valid/imsx-status-info.json': 'imsxStatusInfo',
  'signed/clr.unsigned.json': 'clr',
  'signed/clr.signed-payload.json': 'clr',
  'signed/keys/accreditor.key.json': 'cryptographicKey',
  'signed/keys/institution.key.json': 'cryptographicKey',
  'signed/keys/accreditor.revocations.json': 'revocationList',
  'signed/keys/institution.revocations.json': 'revocationList',
};

/** Fixtures the term check rightly hands to full expansion, and why. */
const EXPANDED_IN_FULL: Record<string, string> = {
  'invalid/wrong-context.json': 'its @context is no bundled context, so there are no terms to check against',
};

/** Fixtures that are not JSON on purpose: no mode sees them (parseJsonDocument refuses them). */
const NOT_JSON = ['invalid/duplicate-json-key.json', 'invalid/malformed-json.json'];

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? fixtureFiles(join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [relative(fixtureDir, join(dir, entry.name))]
        : [],
  );
}

const FIXTURES = fixtureFiles(fixtureDir).sort();

function load(name: string): unknown {
  const parsed = parseJsonDocument(readFileSync(join(fixtureDir, name)));
  if (!parsed.ok) throw new Error(`${name} is not JSON`);
  return parsed.value;
}

/** A small deterministic generator (mulberry32), so a failing mutation can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

/** Every object in the document outside `@context`. */
function nodes(value: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(value)) for (const item of value) nodes(item, out);
  else if (typeof value === 'object' && value !== null) {
    out.push(value as Json);
    for (const [key, child] of Object.entries(value)) if (key !== '@context') nodes(child, out);
  }
  return out;
}

/**
 * Changes the term check must judge as expansion does: undefined terms, kept and dropped IRIs
 * and compact IRIs, relative and absolute ids and types, nulls, empty arrays and objects, a
 * node emptied of everything but its id.
 */
const MUTATIONS: Array<(node: Json, pick: () => number) => void> = [
  (node) => (node.grade = 'A'),
  (node) => (node.nickname = { name: 'x', bogus: [1, { deeper: true }] }),
  (node) => (node['ext:sisSectionId'] = 'SEC-1'),
  (node) => (node['https://vocab.example.edu/ns#level'] = 9),
  (node) => (node['schema:alternateName'] = 'alt'),
  (node) => (node['clri:custom'] = { id: 'urn:x:1' }),
  (node) => (node['foo:bar'] = 'kept as an absolute IRI'),
  (node) => (node[''] = 'empty key'),
  (node) => (node['_:b0'] = 'blank node key'),
  (node) => (node.type = 'Course'),
  (node) => (node.type = ['Assertion', 'NotATerm', 'https://example.org/T', 'ext:T']),
  (node) => (node.type = 'id'),
  (node) => (node.id = 'relative/id'),
  (node) => (node.id = 'urn:uuid:00000000-0000-4000-8000-000000000000'),
  (node) => (node.id = '_:b1'),
  (node) => (node.name = null),
  (node) => (node.results = []),
  (node) => (node.learner = 'not/absolute'),
  (node) => (node.narrative = {}),
  (node) => (node.Clr = 'a type used as a property'),
  (node, pick) => {
    const keys = Object.keys(node).filter((key) => key !== '@context');
    if (keys.length > 0) delete node[keys[Math.floor(pick() * keys.length)]];
  },
  (node) => {
    for (const key of Object.keys(node)) if (key !== '@context' && key !== 'id') delete node[key];
  },
];

/** Mutations outside the mirrored subset: the term check must hand them to full expansion. */
const BEYOND: Array<(node: Json) => void> = [
  (node) => (node['@context'] = { local: 'https://example.org/local' }),
  (node) => (node['@id'] = 'https://example.org/x'),
  (node) => (node.id = 42),
  (node) => (node.type = { not: 'a string' }),
  (node) => (node.type = []),
  (node) => (node.type = '@json'),
  (node) => (node.learner = '@reserved'),
];

describe('checkJsonLdTerms', () => {
  it('sees every fixture under test/fixtures/clr', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(60);
    for (const name of Object.keys(KINDS)) expect(FIXTURES).toContain(name);
    for (const name of NOT_JSON)
      expect(parseJsonDocument(readFileSync(join(fixtureDir, name))).ok).toBe(false);
  });

  it.each(FIXTURES.filter((name) => !NOT_JSON.includes(name)))(
    'gives %s the same verdict and findings as full expansion',
    async (name) => {
      const kind = KINDS[name] ?? 'postClr';
      const document = load(name);
      const full = await validateDocument(kind, document, { jsonLd: 'expand' });
      const terms = await validateDocument(kind, document, { jsonLd: 'terms' });
      expect(terms).toEqual(full);
      const jsonLd = await checkJsonLdTerms(kind, document);
      expect(jsonLd.expanded).toEqual(name in EXPANDED_IN_FULL ? ['$'] : []);
      expect({ findings: jsonLd.findings, warnings: jsonLd.warnings }).toEqual(
        await validateJsonLd(kind, document),
      );
    },
  );

  it('reports dropped terms, relative types and ids at the same paths as expansion', async () => {
    const payload = load('valid/post-clr-courses.json') as { clr: { assertions: Json[]; learner: Json } };
    payload.clr.assertions[0].grade = 'A';
    payload.clr.assertions[2].grade = 'P';
    payload.clr.learner.nickname = 'Ace';
    payload.clr.assertions[1].type = 'Course';
    payload.clr.assertions[1].id = 'assertions/1';
    payload.clr.assertions[1]['ext:section'] = 'kept';
    const terms = await checkJsonLdTerms('postClr', payload);
    expect(terms.expanded).toEqual([]);
    expect(terms.findings.map((finding) => finding.path).sort()).toEqual([
      '$.clr.assertions[0].grade',
      '$.clr.assertions[1].id',
      '$.clr.assertions[1].type',
      '$.clr.assertions[2].grade',
      '$.clr.learner.nickname',
    ]);
    expect(terms.findings.find((finding) => finding.path === '$.clr.learner.nickname')?.reason).toContain(
      "'nickname' is not a term of the CLR 1.0 context",
    );
    expect({ findings: terms.findings, warnings: terms.warnings }).toEqual(
      await validateJsonLd('postClr', payload),
    );
  });

  it('agrees with expansion on 1,500 seeded mutations of the valid fixtures', async () => {
    const bases = [
      'valid/post-clr-courses.json',
      'valid/post-clr-competencies.json',
      'valid/clr-with-revoked-assertion.json',
      'valid/clr-set.json',
      'valid/assertion.json',
      'valid/endorsement.json',
    ];
    const pick = random(20250715);
    let findings = 0;
    for (let round = 0; round < 1500; round += 1) {
      const name = bases[round % bases.length];
      const kind = KINDS[name] ?? 'postClr';
      const document = load(name);
      const targets = nodes(document);
      const changes = 1 + Math.floor(pick() * 4);
      for (let change = 0; change < changes; change += 1) {
        const node = targets[Math.floor(pick() * targets.length)];
        MUTATIONS[Math.floor(pick() * MUTATIONS.length)](node, pick);
      }
      const full = await validateJsonLd(kind, document);
      const terms = await checkJsonLdTerms(kind, document);
      expect({ round, findings: terms.findings, warnings: terms.warnings }).toEqual({ round, ...full });
      expect(terms.expanded).toEqual([]);
      findings += full.findings.length;
    }
    // The mutations do break documents: the agreement is not only on clean ones.
    expect(findings).toBeGreaterThan(1000);
  });

  it('hands documents beyond plain terms to full expansion and still agrees', async () => {
    const pick = random(7);
    for (const [index, mutate] of BEYOND.entries()) {
      const document = load('valid/post-clr-courses.json') as { clr: Json };
      const inner = nodes(document.clr);
      mutate(inner[1 + Math.floor(pick() * (inner.length - 1))]);
      const terms = await checkJsonLdTerms('postClr', document);
      expect({ index, expanded: terms.expanded }).toEqual({ index, expanded: ['$'] });
      expect({ findings: terms.findings, warnings: terms.warnings }).toEqual(
        await validateJsonLd('postClr', document),
      );
    }
  });

  it('expands in full a top-level context it cannot take as plain terms', async () => {
    const clr = load('valid/clr-with-revoked-assertion.json') as Json;
    const inline = { ...clr, '@context': { name: 'http://schema.org/name' } };
    const terms = await checkJsonLdTerms('clr', inline);
    expect(terms.expanded).toEqual(['$']);
    expect(terms.findings).toEqual((await validateJsonLd('clr', inline)).findings);
    expect(terms.findings.length).toBeGreaterThan(0);
  });
});
