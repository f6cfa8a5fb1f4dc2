import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonDocument } from '../json/parse-json-document';
import { findProjectRoot } from '../schemas/schema-locator';
import type { DocumentKind } from './document-kind';
import type { Finding } from './finding';
import { validateClr, validateDocument, validatePostClrPayload } from './validate-document';

const fixtureDir = join(findProjectRoot(), 'test', 'fixtures', 'clr');
const fixture = (dir: 'valid' | 'invalid', name: string): unknown =>
  JSON.parse(readFileSync(join(fixtureDir, dir, name), 'utf8'));

type Expected = [Finding['stage'], string, string];

/** Valid documents of every kind: no finding, in every stage. */
const VALID: Array<[string, DocumentKind]> = [
  ['post-clr-courses.json', 'postClr'],
  ['post-clr-competencies.json', 'postClr'],
  ['post-clr-signed.json', 'postClr'],
  ['clr-with-revoked-assertion.json', 'clr'],
  ['get-clr.json', 'getClr'],
  ['clr-set.json', 'clrSet'],
  ['assertion.json', 'assertion'],
  ['endorsement.json', 'endorsement'],
  ['cryptographic-key.json', 'cryptographicKey'],
  ['revocation-list.json', 'revocationList'],
  ['discovery.json', 'discovery'],
  ['imsx-status-info.json', 'imsxStatusInfo'],
];

/**
 * Each invalid fixture is a valid postClr payload with one defect; these are all the findings
 * it must produce (stage, JSON path, a distinctive part of the reason).
 */
const INVALID: Array<[string, Expected[]]> = [
  // input
  [
    'wrong-context.json',
    [
      ['input', "$['@context']", "'https://www.w3.org/2018/credentials/v1' is not a CLR 1.0 context"],
      ['input', "$['@context']", 'must include the CLR 1.0 context'],
    ],
  ],
  // structure
  ['both-clr-and-signed-clr.json', [['structure', '$', "exactly one of 'clr' and 'signedClr', not both"]]],
  ['neither-clr-nor-signed-clr.json', [['structure', '$', "must carry either 'clr'"]]],
  [
    'extra-payload-property.json',
    [
      ['structure', '$.type', 'is not a property of a PostClrPayload'],
      ['json-ld', '$.type', "type 'PostClr' is not a term of the CLR 1.0 context"],
    ],
  ],
  ['malformed-signed-clr.json', [['structure', '$.signedClr', 'must be a JWS compact serialization']]],
  [
    'missing-required-property.json',
    [
      ['structure', '$.clr.achievements[0].name', 'is required but missing'],
      ['structure', '$.clr.assertions[2].achievement.name', 'is required but missing'],
    ],
  ],
  [
    'wrong-json-type.json',
    [['structure', '$.clr.assertions[0].creditsEarned', 'must be a number (found a string)']],
  ],
  [
    'unknown-enum-value.json',
    [
      [
        'structure',
        '$.clr.achievements[1].achievementType',
        "Membership or an extension value of the form 'ext:Name'",
      ],
      [
        'structure',
        '$.clr.assertions[0].achievement.achievementType',
        'must be one of Achievement, Assessment',
      ],
    ],
  ],
  [
    'alignment-target-url-not-uri.json',
    [['structure', '$.clr.assertions[2].achievement.alignments[0].targetUrl', 'must be an absolute URI']],
  ],
  ['date-time-malformed.json', [['structure', '$.clr.issuedOn', 'must be an ISO 8601 date-time']]],
  // json-ld
  [
    'unknown-term.json',
    [['json-ld', '$.clr.assertions[0].grade', "'grade' is not a term of the CLR 1.0 context"]],
  ],
  [
    'unknown-type.json',
    [
      ['json-ld', '$.clr.achievements[1].type', "type 'Course' is not a term of the CLR 1.0 context"],
      ['json-ld', '$.clr.assertions[0].achievement.type', "type 'Course' is not a term"],
    ],
  ],
  // semantics: ids
  [
    'relative-id.json',
    [
      ['json-ld', '$.clr.assertions[1].id', 'is a relative IRI'],
      ['semantics', '$.clr.assertions[1].id', 'must be an absolute IRI'],
    ],
  ],
  [
    'duplicate-achievement-different-content.json',
    [
      [
        'semantics',
        '$.clr.assertions[0].achievement.id',
        'appears at $.clr.achievements[1] with different content',
      ],
    ],
  ],
  [
    'duplicate-assertion-id.json',
    [['semantics', '$.clr.assertions[1].id', 'already names a different Assertion at $.clr.assertions[0]']],
  ],
  ['id-names-two-kinds.json', [['semantics', '$.clr.assertions[2].id', 'already names the Clr at $.clr']]],
  [
    'conflicting-profile.json',
    [
      [
        'semantics',
        '$.clr.publisher.id',
        'appears at $.clr.achievements[0].issuer with conflicting property values',
      ],
    ],
  ],
  // semantics: references
  [
    'dangling-association.json',
    [
      [
        'semantics',
        '$.clr.achievements[1].associations[0].targetId',
        'does not name an Achievement of this CLR',
      ],
      [
        'semantics',
        '$.clr.assertions[0].achievement.associations[0].targetId',
        'does not name an Achievement',
      ],
    ],
  ],
  [
    'self-association.json',
    [
      ['semantics', '$.clr.achievements[2].associations[0].targetId', 'cannot be associated with itself'],
      [
        'semantics',
        '$.clr.assertions[1].achievement.associations[0].targetId',
        'cannot be associated with itself',
      ],
    ],
  ],
  [
    'result-unknown-result-description.json',
    [
      [
        'semantics',
        '$.clr.assertions[0].results[0].resultDescription',
        "does not name a ResultDescription of the assertion's achievement",
      ],
    ],
  ],
  [
    'achieved-level-unknown.json',
    [['semantics', '$.clr.assertions[1].results[0].achievedLevel', 'does not name a RubricCriterionLevel']],
  ],
  [
    'required-level-unknown.json',
    [
      ['semantics', '$.clr.achievements[0].resultDescriptions[0].requiredLevel', 'does not name one of its'],
      [
        'semantics',
        '$.clr.assertions[0].achievement.resultDescriptions[0].requiredLevel',
        'does not name one',
      ],
    ],
  ],
  [
    'status-result-without-status.json',
    [['semantics', '$.clr.assertions[0].results[1].status', 'resultType is Status']],
  ],
  ['result-value-not-allowed.json', [['semantics', '$.clr.assertions[0].results[0].value', 'allowedValues']]],
  [
    'result-value-out-of-range.json',
    [
      [
        'semantics',
        '$.clr.assertions[1].results[0].value',
        "outside the ResultDescription's valueMin..valueMax",
      ],
    ],
  ],
  // semantics: date-times, revocation, recipients
  ['date-time-without-zone.json', [['semantics', '$.clr.assertions[0].issuedOn', 'must carry a time zone']]],
  [
    'revoked-assertion-extra-data.json',
    [
      ['semantics', '$.clr.assertions[1].results', 'a revoked assertion carries only id, type, revoked'],
      ['semantics', '$.clr.assertions[1].recipient', 'a revoked assertion carries only'],
    ],
  ],
  [
    'revocation-reason-without-revoked.json',
    [['semantics', '$.clr.assertions[0].revocationReason', 'only allowed when revoked is true']],
  ],
  [
    'assertion-missing-recipient.json',
    [['semantics', '$.clr.assertions[0].recipient', 'required unless the assertion is revoked']],
  ],
  [
    'bad-identity-hash.json',
    [['semantics', '$.clr.assertions[0].recipient.identity', "does not match the learner Profile's email"]],
  ],
  [
    'malformed-identity-hash.json',
    [['semantics', '$.clr.assertions[0].recipient.identity', 'must have the form sha256$<64 hex digits>']],
  ],
  [
    'unknown-recipient-type.json',
    [
      ['json-ld', '$.clr.assertions[0].recipient.type', "type 'nickname' is not a term"],
      ['semantics', '$.clr.assertions[0].recipient.type', 'must name a learner Profile property'],
    ],
  ],
  [
    'learner-lacks-recipient-property.json',
    [['semantics', '$.clr.assertions[0].recipient.type', 'the learner Profile has no telephone']],
  ],
];

describe('validateDocument', () => {
  it.each(VALID)('accepts the valid fixture %s as %s', async (name, kind) => {
    const report = await validateDocument(kind, fixture('valid', name));
    expect(report.findings).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it.each(INVALID)('reports exactly the defect of %s', async (name, expected) => {
    const report = await validateDocument('postClr', fixture('invalid', name));
    expect(report.valid).toBe(false);
    expect(report.findings).toHaveLength(expected.length);
    for (const [stage, path, reason] of expected) {
      expect(report.findings).toContainEqual({ stage, path, reason: expect.stringContaining(reason) });
    }
  });

  it('never quotes a grade, a name or an identity in a reason', async () => {
    const report = await validateDocument('postClr', fixture('invalid', 'result-value-not-allowed.json'));
    const bad = await validateDocument('postClr', fixture('invalid', 'bad-identity-hash.json'));
    const text = JSON.stringify([...report.findings, ...bad.findings]);
    expect(text).not.toContain('A+');
    expect(text).not.toContain('ada.example');
    expect(text).not.toContain('sha256$');
  });

  it('warns, without failing, about a recipient type of id', async () => {
    const report = await validateDocument('postClr', fixture('valid', 'post-clr-recipient-type-id.json'));
    expect(report.valid).toBe(true);
    expect(report.warnings).toEqual([
      {
        stage: 'json-ld',
        path: '$.clr.assertions[0].recipient.type',
        reason: expect.stringContaining("type 'id'"),
      },
    ]);
  });

  it('skips the JSON-LD stage when asked, and only that stage', async () => {
    const unknownTerm = await validateDocument('postClr', fixture('invalid', 'unknown-term.json'), {
      jsonLd: false,
    });
    expect(unknownTerm).toEqual({ valid: true, findings: [] });
    const noZone = await validateDocument('postClr', fixture('invalid', 'date-time-without-zone.json'), {
      jsonLd: false,
    });
    expect(noZone.findings).toEqual([
      expect.objectContaining({ stage: 'semantics', path: '$.clr.assertions[0].issuedOn' }),
    ]);
  });

  it('validates a bare Clr (no @context) and a postClr payload through the shorthands', async () => {
    const payload = fixture('valid', 'post-clr-courses.json') as { clr: unknown };
    expect(await validateClr(payload.clr)).toEqual({ valid: true, findings: [] });
    expect(await validatePostClrPayload(payload)).toEqual({ valid: true, findings: [] });
    const bare = await validateClr(fixture('invalid', 'date-time-without-zone.json'));
    // A whole payload is not a Clr: the Clr's required properties are missing.
    expect(bare.findings).toContainEqual(expect.objectContaining({ stage: 'structure', path: '$.id' }));
  });

  it('validates each CLR of a ClrSet on its own, with paths into the set', async () => {
    const clr = (fixture('invalid', 'unknown-term.json') as { clr: unknown }).clr;
    const report = await validateDocument('clrSet', {
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      clrs: [fixture('valid', 'clr-with-revoked-assertion.json'), clr],
    });
    expect(report.findings).toEqual([
      { stage: 'json-ld', path: '$.clrs[1].assertions[0].grade', reason: expect.stringContaining("'grade'") },
    ]);
  });

  describe('bad input', () => {
    it('refuses a value that is not JSON before any stage runs', async () => {
      const cyclic: Record<string, unknown> = { '@context': 'x' };
      cyclic.clr = cyclic;
      const report = await validateDocument('postClr', cyclic);
      expect(report).toEqual({
        valid: false,
        findings: [{ stage: 'input', path: '$.clr', reason: expect.stringContaining('cycle') }],
      });
    });

    it('refuses nesting deeper than the limit without a stack overflow', async () => {
      let deep: unknown = {};
      for (let i = 0; i < 100_000; i += 1) deep = { ext: deep };
      const report = await validateDocument('clr', deep);
      expect(report.findings).toEqual([
        {
          stage: 'input',
          path: expect.stringMatching(/^\$(\.ext){64}$/),
          reason: expect.stringContaining('64 levels'),
        },
      ]);
    });

    it('honours configured limits', async () => {
      const payload = fixture('valid', 'post-clr-courses.json');
      const small = await validateDocument('postClr', payload, { limits: { maxBytes: 1024 } });
      expect(small.findings).toEqual([
        { stage: 'input', path: '$', reason: expect.stringContaining('larger than the limit of 1 KiB') },
      ]);
      const shallow = await validateDocument('postClr', payload, { limits: { maxDepth: 3 } });
      expect(shallow.findings[0]).toEqual(
        expect.objectContaining({ stage: 'input', reason: expect.stringContaining('3 levels') }),
      );
    });

    it('reports a document of the wrong JSON type as a structure finding', async () => {
      expect((await validateDocument('postClr', 'a string')).findings).toEqual([
        { stage: 'structure', path: '$', reason: 'must be an object (found a string)' },
      ]);
      expect((await validateDocument('clr', [])).findings).toEqual([
        { stage: 'structure', path: '$', reason: 'must be an object (found an array)' },
      ]);
    });

    it('refuses an unknown kind', async () => {
      const report = await validateDocument('transcript' as DocumentKind, {});
      expect(report.findings).toEqual([
        { stage: 'input', path: '$', reason: "unknown document kind 'transcript'" },
      ]);
    });

    it('refuses a 20 MB document and malformed JSON as input findings', () => {
      const big = `{"@context":"x","pad":"${'x'.repeat(20 * 1024 * 1024)}"}`;
      expect(parseJsonDocument(big)).toEqual({
        ok: false,
        findings: [
          { stage: 'input', path: '$', reason: expect.stringContaining('larger than the limit of 8 MiB') },
        ],
      });
      const malformed = parseJsonDocument(readFileSync(join(fixtureDir, 'invalid', 'malformed-json.json')));
      expect(malformed).toEqual({
        ok: false,
        findings: [
          { stage: 'input', path: '$.clr.id', reason: expect.stringContaining('line 4, column 10') },
        ],
      });
      const duplicate = parseJsonDocument(
        readFileSync(join(fixtureDir, 'invalid', 'duplicate-json-key.json')),
      );
      expect(duplicate).toEqual({
        ok: false,
        findings: [{ stage: 'input', path: '$.clr.id', reason: expect.stringContaining('more than once') }],
      });
    });
  });
});
