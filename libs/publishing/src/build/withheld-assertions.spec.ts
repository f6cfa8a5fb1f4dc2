import { type Clr } from '@app/clr';
import { withoutWithheld } from './withheld-assertions';

const base = 'https://pub.example.edu/ims/clr/v1p0';

function clr(): Clr {
  const achievement = (n: number) => ({
    id: `${base}/achievements/${n}`,
    type: 'Achievement',
    name: `Course ${n}`,
  });
  return {
    id: `${base}/clrs/c1`,
    type: 'Clr',
    issuedOn: '2025-01-01T00:00:00Z',
    learner: { id: 'urn:uuid:1b0e3c2a-7f0e-4d7e-9b6a-0c0f1e2d3c4b', type: 'Profile' },
    publisher: { id: `${base}/profiles/institution`, type: 'Profile' },
    achievements: [achievement(1)],
    assertions: [1, 2, 3].map((n) => ({
      id: `${base}/assertions/a${n}`,
      type: 'Assertion',
      achievement: achievement(n),
    })),
  } as unknown as Clr;
}

describe('withoutWithheld', () => {
  it('drops exactly the withheld assertions and keeps the achievements', () => {
    const source = clr();
    const result = withoutWithheld(source, new Set([`${base}/assertions/a1`, `${base}/assertions/a3`]));
    expect(result.assertions?.map((assertion) => assertion.id)).toEqual([`${base}/assertions/a2`]);
    expect(result.achievements).toEqual(source.achievements);
    expect({ ...result, assertions: undefined }).toEqual({ ...source, assertions: undefined });
    expect(source.assertions).toHaveLength(3);
  });

  it('returns the same CLR when nothing it carries is withheld', () => {
    const source = clr();
    expect(withoutWithheld(source, undefined)).toBe(source);
    expect(withoutWithheld(source, new Set())).toBe(source);
    expect(withoutWithheld(source, new Set([`${base}/assertions/other`]))).toBe(source);
  });

  it('leaves an empty assertion list when every assertion is withheld', () => {
    const source = clr();
    const all = new Set(source.assertions!.map((assertion) => assertion.id));
    expect(withoutWithheld(source, all).assertions).toEqual([]);
  });
});
