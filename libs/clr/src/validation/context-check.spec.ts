import { checkContext } from './context-check';

const CLR = 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld';
const OB = 'https://w3id.org/openbadges/v2';

describe('checkContext', () => {
  it('accepts the CLR context, alone or with the Open Badges context', () => {
    expect(checkContext({ '@context': CLR })).toEqual([]);
    expect(checkContext({ '@context': [CLR, OB] })).toEqual([]);
  });

  it('names every context that is not bundled', () => {
    expect(checkContext({ '@context': [CLR, 'https://evil.example/ctx'] })).toEqual([
      {
        stage: 'input',
        path: "$['@context'][1]",
        reason: expect.stringContaining("'https://evil.example/ctx' is not a CLR 1.0 context"),
      },
    ]);
  });

  it('requires the CLR context itself', () => {
    expect(checkContext({ '@context': OB })).toEqual([
      { stage: 'input', path: "$['@context']", reason: `@context must include the CLR 1.0 context ${CLR}` },
    ]);
  });

  it('leaves a missing or mistyped @context to the structure stage', () => {
    expect(checkContext({})).toEqual([]);
    expect(checkContext({ '@context': { clri: 'x' } })).toEqual([]);
    expect(checkContext('text')).toEqual([]);
  });
});
