import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expand } from 'jsonld';
import { findProjectRoot } from '../../schemas/schema-locator';
import { expansionTargets, validateJsonLd } from './json-ld-validator';
import { offlineDocumentLoader, RefusedContextError } from './offline-document-loader';
import { locateProperty } from './property-locator';

const CLR = 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld';
const fixtureDir = join(findProjectRoot(), 'test', 'fixtures', 'clr');
const fixture = (dir: string, name: string): any =>
  JSON.parse(readFileSync(join(fixtureDir, dir, name), 'utf8'));

describe('offlineDocumentLoader', () => {
  it('serves the bundled contexts and refuses every other URL without fetching', async () => {
    await expect(offlineDocumentLoader(CLR)).resolves.toEqual(
      expect.objectContaining({
        documentUrl: CLR,
        document: expect.objectContaining({ '@context': expect.any(Object) }),
      }),
    );
    await expect(offlineDocumentLoader('https://w3id.org/openbadges/v2')).resolves.toEqual(
      expect.objectContaining({ documentUrl: 'https://w3id.org/openbadges/v2' }),
    );
    await expect(offlineDocumentLoader('https://www.w3.org/2018/credentials/v1')).rejects.toBeInstanceOf(
      RefusedContextError,
    );
  });
});

describe('validateJsonLd', () => {
  it('reports nothing for documents whose every term is defined', async () => {
    for (const [name, kind] of [
      ['post-clr-courses.json', 'postClr'],
      ['post-clr-competencies.json', 'postClr'],
      ['assertion.json', 'assertion'],
      ['endorsement.json', 'endorsement'],
      ['cryptographic-key.json', 'cryptographicKey'],
      ['revocation-list.json', 'revocationList'],
      ['discovery.json', 'discovery'],
    ] as const) {
      expect(await validateJsonLd(kind, fixture('valid', name))).toEqual({ findings: [], warnings: [] });
    }
  });

  it('reports every dropped term with its path, where safe mode stops at the first', async () => {
    const payload = fixture('valid', 'post-clr-courses.json');
    payload.clr.assertions[0].grade = 'A';
    payload.clr.learner.nickname = 'Ace';
    payload.clr.assertions[2].grade = 'P';
    const { findings } = await validateJsonLd('postClr', payload);
    expect(findings.map((finding) => finding.path).sort()).toEqual([
      '$.clr.assertions[0].grade',
      '$.clr.assertions[2].grade',
      '$.clr.learner.nickname',
    ]);
    expect(findings[0]).toEqual({
      stage: 'json-ld',
      path: expect.any(String),
      reason: expect.stringContaining('is not a term of the CLR 1.0 context'),
    });
  });

  it('accepts namespaced extension properties', async () => {
    const payload = fixture('valid', 'post-clr-courses.json');
    payload.clr.assertions[0]['ext:sisSectionId'] = 'SEC-1';
    payload.clr.assertions[0]['https://vocab.example.edu/ns#gradeLevel'] = '9';
    expect(await validateJsonLd('postClr', payload)).toEqual({ findings: [], warnings: [] });
  });

  it('refuses a context it does not bundle, wherever it appears, naming the URL', async () => {
    const payload = fixture('valid', 'post-clr-courses.json');
    payload.clr.learner['@context'] = 'https://contexts.example.org/learner.jsonld';
    expect((await validateJsonLd('postClr', payload)).findings).toEqual([
      {
        stage: 'json-ld',
        path: "$.clr.learner['@context']",
        reason:
          "@context 'https://contexts.example.org/learner.jsonld' is not a CLR 1.0 context bundled with the publisher (contexts are never fetched)",
      },
    ]);
  });

  it('turns a recipient type of id into a warning and other relative types into findings', async () => {
    const payload = fixture('valid', 'post-clr-courses.json');
    payload.clr.assertions[0].recipient.type = 'id';
    payload.clr.type = 'ComprehensiveRecord';
    const result = await validateJsonLd('postClr', payload);
    expect(result.warnings).toEqual([
      {
        stage: 'json-ld',
        path: '$.clr.assertions[0].recipient.type',
        reason: expect.stringContaining("recipient type 'id'"),
      },
    ]);
    expect(result.findings).toEqual([
      { stage: 'json-ld', path: '$.clr.type', reason: expect.stringContaining("type 'ComprehensiveRecord'") },
    ]);
  });

  it('expands a bare Clr with the CLR context and each CLR of a ClrSet on its own', async () => {
    const clr = fixture('valid', 'clr-with-revoked-assertion.json');
    expect(expansionTargets('clr', clr)).toEqual([{ path: '$', document: { '@context': CLR, ...clr } }]);
    const set = { '@context': CLR, type: 'ClrSet', clrs: [clr, { ...clr, bogus: 1 }] };
    expect(expansionTargets('clrSet', set).map((target) => target.path)).toEqual(['$.clrs[0]', '$.clrs[1]']);
    // ClrSet is no term of the context: the set itself is not expanded, so its type is no finding.
    expect((await validateJsonLd('clrSet', set)).findings).toEqual([
      { stage: 'json-ld', path: '$.clrs[1].bogus', reason: expect.stringContaining("'bogus'") },
    ]);
  });

  it('does not expand imsx_StatusInfo (no imsx_ term is defined) nor a signed postClr', () => {
    expect(expansionTargets('imsxStatusInfo', fixture('valid', 'imsx-status-info.json'))).toEqual([]);
    expect(expansionTargets('postClr', fixture('valid', 'post-clr-signed.json'))).toEqual([]);
    expect(expansionTargets('clr', 'not an object')).toEqual([]);
  });

  it('finds exactly the documents that jsonld safe mode rejects', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['valid', 'post-clr-courses.json', true],
      ['valid', 'post-clr-competencies.json', true],
      ['invalid', 'unknown-term.json', false],
      ['invalid', 'unknown-type.json', false],
      ['invalid', 'relative-id.json', false],
      ['invalid', 'unknown-recipient-type.json', false],
      ['invalid', 'dangling-association.json', true],
    ];
    for (const [dir, name, safe] of cases) {
      const document = fixture(dir, name);
      const safeMode = (expand as unknown as (input: object, options: object) => Promise<unknown>)(document, {
        documentLoader: offlineDocumentLoader,
        base: null,
        safe: true,
      });
      if (safe) await expect(safeMode).resolves.toBeDefined();
      else await expect(safeMode).rejects.toThrow('Safe mode validation error');
      expect((await validateJsonLd('postClr', document)).findings.length === 0).toBe(safe);
    }
  });
});

describe('locateProperty', () => {
  it('finds every occurrence of a property, or of a property with a value, outside @context', () => {
    const document = {
      '@context': { grade: 'x' },
      grade: 1,
      list: [{ grade: 2 }, { type: ['A', 'B'] }],
      type: 'B',
    };
    expect(locateProperty(document, 'grade', '$').sort()).toEqual(['$.grade', '$.list[0].grade']);
    expect(locateProperty(document, 'type', '$.clrs[0]', 'B').sort()).toEqual([
      '$.clrs[0].list[1].type[1]',
      '$.clrs[0].type',
    ]);
    expect(locateProperty(document, '@context', '$')).toEqual(["$['@context']"]);
  });
});
