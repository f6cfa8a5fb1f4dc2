import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { findProjectRoot, readSchemaFile } from '../../schemas/schema-locator';
import { validateStructure } from './structure-validator';

const CLR = 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld';
const fixture = (dir: string, name: string): any =>
  JSON.parse(readFileSync(join(findProjectRoot(), 'test', 'fixtures', 'clr', dir, name), 'utf8'));
const minimalClr = () => ({
  id: 'https://clr.example.edu/clrs/1',
  issuedOn: '2021-06-30T09:00:00Z',
  learner: { id: 'https://clr.example.edu/learners/1' },
  publisher: { id: 'https://clr.example.edu/publisher' },
});

describe('validateStructure', () => {
  it('accepts a minimal Clr and a minimal postClr payload', () => {
    expect(validateStructure('clr', minimalClr())).toEqual([]);
    expect(validateStructure('postClr', { '@context': CLR, clr: minimalClr() })).toEqual([]);
    expect(validateStructure('postClr', { '@context': [CLR], clr: minimalClr() })).toEqual([]);
  });

  it('reports every error at once, with JSON paths', () => {
    const clr = { ...minimalClr(), issuedOn: 'yesterday', learner: 'Jane', partial: 'no' } as Record<
      string,
      unknown
    >;
    delete clr.publisher;
    expect(validateStructure('clr', clr)).toEqual(
      expect.arrayContaining([
        { stage: 'structure', path: '$.publisher', reason: 'is required but missing' },
        {
          stage: 'structure',
          path: '$.issuedOn',
          reason: 'must be an ISO 8601 date-time such as 2021-01-14T09:30:00Z',
        },
        { stage: 'structure', path: '$.learner', reason: 'must be an object (found a string)' },
        { stage: 'structure', path: '$.partial', reason: 'must be a boolean (found a string)' },
      ]),
    );
  });

  it('accepts a date-time without zone here (semantics reports it precisely) but not a date', () => {
    expect(validateStructure('clr', { ...minimalClr(), issuedOn: '2021-06-30T09:00:00' })).toEqual([]);
    expect(validateStructure('clr', { ...minimalClr(), issuedOn: '2021-06-30' })).toHaveLength(1);
  });

  it('checks the @context forms of OpenAPI (a URI or an array of URIs)', () => {
    expect(validateStructure('postClr', { '@context': [CLR, 'not a uri'], clr: minimalClr() })).toEqual([
      { stage: 'structure', path: "$['@context'][1]", reason: 'must be an absolute URI' },
    ]);
    expect(validateStructure('postClr', { '@context': { clri: 'x' }, clr: minimalClr() })).toEqual([
      { stage: 'structure', path: "$['@context']", reason: 'must be a string or an array (found an object)' },
    ]);
    expect(validateStructure('getClr', minimalClr())).toEqual([
      { stage: 'structure', path: "$['@context']", reason: 'is required but missing' },
    ]);
  });

  it('explains extensible enumerations in one finding and accepts ext: values', () => {
    const achievement = { id: 'urn:a:1', name: 'X', issuer: { id: 'urn:p:1' }, achievementType: 'Class' };
    const clr = { ...minimalClr(), achievements: [achievement] };
    expect(validateStructure('clr', clr)).toEqual([
      {
        stage: 'structure',
        path: '$.achievements[0].achievementType',
        reason: expect.stringMatching(
          /^must be one of Achievement, .* or an extension value of the form 'ext:Name'$/,
        ),
      },
    ]);
    achievement.achievementType = 'ext:Apprenticeship';
    expect(validateStructure('clr', clr)).toEqual([]);
    (achievement as Record<string, unknown>).achievementType = 7;
    expect(validateStructure('clr', clr)).toEqual([
      {
        stage: 'structure',
        path: '$.achievements[0].achievementType',
        reason: 'must be a string (found an integer)',
      },
    ]);
  });

  it('reads format float as a number', () => {
    const assertion = { id: 'urn:x:1', creditsEarned: 3.5 };
    expect(validateStructure('clr', { ...minimalClr(), assertions: [assertion] })).toEqual([]);
    expect(
      validateStructure('clr', { ...minimalClr(), assertions: [{ ...assertion, creditsEarned: '3.5' }] }),
    ).toEqual([
      {
        stage: 'structure',
        path: '$.assertions[0].creditsEarned',
        reason: 'must be a number (found a string)',
      },
    ]);
  });

  it('forbids properties the top-level payloads do not define, but allows extensions on nested objects', () => {
    expect(
      validateStructure('revocationList', { ...fixture('valid', 'revocation-list.json'), note: 'x' }),
    ).toEqual([
      { stage: 'structure', path: '$.note', reason: 'is not a property of a GetRevocationListPayload' },
    ]);
    expect(validateStructure('clr', { ...minimalClr(), 'ext:sisRunId': 'r-1' })).toEqual([]);
  });

  it('checks a signedClr only against the compact JWS pattern', () => {
    expect(validateStructure('postClr', { '@context': CLR, signedClr: 'aaaa.bbbb.cccc' })).toEqual([]);
    expect(validateStructure('postClr', { '@context': CLR, signedClr: 'aaaa.bbbb' })).toEqual([
      {
        stage: 'structure',
        path: '$.signedClr',
        reason: 'must be a JWS compact serialization (three base64url parts joined by dots)',
      },
    ]);
  });

  it('requires exactly one of clr and signedClr in a postClr payload', () => {
    expect(
      validateStructure('postClr', { '@context': CLR, clr: minimalClr(), signedClr: 'aaaa.bbbb.cccc' }),
    ).toEqual([
      {
        stage: 'structure',
        path: '$',
        reason: "a postClr payload carries exactly one of 'clr' and 'signedClr', not both",
      },
    ]);
    expect(validateStructure('postClr', { '@context': CLR })).toEqual([
      {
        stage: 'structure',
        path: '$',
        reason: "a postClr payload must carry either 'clr' (an unsigned CLR) or 'signedClr' (a signed one)",
      },
    ]);
  });

  it('validates the other payloads: discovery, imsx_StatusInfo, key', () => {
    expect(
      validateStructure('discovery', { ...fixture('valid', 'discovery.json'), scopesOffered: [] }),
    ).toEqual([{ stage: 'structure', path: '$.scopesOffered', reason: 'must have at least 1 item(s)' }]);
    expect(
      validateStructure('imsxStatusInfo', {
        ...fixture('valid', 'imsx-status-info.json'),
        imsx_severity: 'fatal',
      }),
    ).toEqual([
      { stage: 'structure', path: '$.imsx_severity', reason: 'must be one of status, warning, error' },
    ]);
    const key = fixture('valid', 'cryptographic-key.json');
    delete key.publicKeyPem;
    expect(validateStructure('cryptographicKey', key)).toEqual([
      { stage: 'structure', path: '$.publicKeyPem', reason: 'is required but missing' },
    ]);
  });
});

describe('agreement with the IMS JSON Schemas (final 2021, draft-04)', () => {
  const ims = new Ajv04({ allErrors: true, strict: false });
  addFormats(ims);
  ims.addFormat('float', { type: 'number', validate: () => true });
  const getClr = ims.compile(
    JSON.parse(readSchemaFile('json-schema', 'clrv1p0-getclr-200-responsepayload-schemav2p0.json')),
  );
  const getClrs = ims.compile(
    JSON.parse(readSchemaFile('json-schema', 'clrv1p0-getclrs-200-responsepayload-schemav2p0.json')),
  );

  it('accepts the fixtures the OpenAPI components accept', () => {
    const clr = fixture('valid', 'get-clr.json');
    expect(validateStructure('getClr', clr)).toEqual([]);
    expect(getClr(clr)).toBe(true);
    const courses = { '@context': CLR, ...fixture('valid', 'post-clr-courses.json').clr };
    expect(validateStructure('getClr', courses)).toEqual([]);
    expect(getClr(courses)).toBe(true);
    const set = fixture('valid', 'clr-set.json');
    expect(validateStructure('clrSet', set)).toEqual([]);
    expect(getClrs(set)).toBe(true);
  });

  it('rejects what the OpenAPI components reject', () => {
    for (const name of [
      'missing-required-property.json',
      'wrong-json-type.json',
      'unknown-enum-value.json',
    ]) {
      const clr = { '@context': CLR, ...fixture('invalid', name).clr };
      expect(validateStructure('getClr', clr)).not.toEqual([]);
      expect(getClr(clr)).toBe(false);
    }
  });
});
