import { createHash } from 'node:crypto';
import { type Clr } from '@app/clr';
import { SIGNED_FORM, canonicalJson, clrContentHash, unsignedClrDocuments } from './content-hash';

const ISSUED = '2025-07-15T12:00:00Z';

function clr(overrides: Partial<Clr> = {}): Clr {
  return {
    id: 'https://clr.example.edu/ims/clr/v1p0/clrs/0123',
    type: 'Clr',
    issuedOn: ISSUED,
    learner: { id: 'urn:uuid:1', type: 'Profile' },
    publisher: {
      id: 'https://clr.example.edu/ims/clr/v1p0/profiles/institution',
      type: 'Profile',
      name: 'U',
    },
    assertions: [
      {
        id: 'https://clr.example.edu/ims/clr/v1p0/assertions/a1',
        type: 'Assertion',
        issuedOn: '2024-05-09T00:00:00Z',
      },
      { id: 'https://clr.example.edu/ims/clr/v1p0/assertions/a2', type: 'Assertion', issuedOn: ISSUED },
    ],
    ...overrides,
  };
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"x":2,"y":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, null, 'x'])).toBe('[null,null,"x"]');
  });
});

describe('clrContentHash', () => {
  it('is a SHA-256 in hex, the same for the same content, without changing the CLR', () => {
    const document = clr();
    const before = JSON.stringify(document);
    expect(clrContentHash(document)).toMatch(/^[0-9a-f]{64}$/);
    expect(clrContentHash(document)).toBe(clrContentHash(clr()));
    expect(JSON.stringify(document)).toBe(before);
  });

  it('is not the hash of the JSON alone: versions stored before the signed form changed are rebuilt', () => {
    const document = clr();
    expect(clrContentHash(document)).toBe(byDefinition(document));
    expect(clrContentHash(document)).not.toBe(byDefinition(document, ''));
    expect(SIGNED_FORM).toMatch(/signed form \d+\n$/);
  });

  it("leaves out the CLR's issuedOn, and an assertion issuedOn that is the CLR's own", () => {
    const later = '2026-01-02T03:04:05Z';
    const rebuilt = clr({ issuedOn: later });
    rebuilt.assertions![1] = { ...rebuilt.assertions![1], issuedOn: later };
    expect(clrContentHash(rebuilt)).toBe(clrContentHash(clr()));
  });

  it('changes with anything else: an assertion date of its own, an id, the assertion order', () => {
    const base = clrContentHash(clr());
    const redated = clr();
    redated.assertions![0] = { ...redated.assertions![0], issuedOn: '2024-05-10T00:00:00Z' };
    expect(clrContentHash(redated)).not.toBe(base);
    expect(clrContentHash(clr({ id: 'https://clr.example.edu/ims/clr/v1p0/clrs/0124' }))).not.toBe(base);
    expect(clrContentHash(clr({ assertions: [...clr().assertions!].reverse() }))).not.toBe(base);
    // An assertion that had the CLR's date and now has a date of its own is a change too.
    const dated = clr();
    dated.assertions![1] = { ...dated.assertions![1], issuedOn: '2025-07-01T00:00:00Z' };
    expect(clrContentHash(dated)).not.toBe(base);
  });
});

/** The hash by its definition: JSON with a replacer, then SHA-256 (what the fast path must equal). */
function byDefinition(document: Clr, signedForm = SIGNED_FORM): string {
  const { issuedOn } = document;
  const json = JSON.stringify(document, function (this: unknown, key: string, value: unknown) {
    if (key === 'issuedOn') {
      if (this === document) return undefined;
      if (value === issuedOn) return '(clr.issuedOn)';
    }
    return value;
  });
  return createHash('sha256').update(signedForm).update(json).digest('hex');
}

type Loose = Clr & Record<string, unknown>;

describe('unsignedClrDocuments', () => {
  const cases: [string, () => Clr][] = [
    ['a plain CLR', () => clr()],
    [
      'issuedOn as the first and as the last member',
      () => {
        const { issuedOn, ...rest } = clr();
        return { issuedOn, ...rest, extra: { issuedOn } } as Loose;
      },
    ],
    [
      'the CLR date nested at several depths, in arrays and beside other members',
      () => {
        const document = clr() as Loose;
        document['deep'] = [
          { id: 'x', type: 'Achievement', issuedOn: ISSUED, nested: [{ issuedOn: ISSUED }] },
        ];
        document['endorsed'] = [{ issuedOn: ISSUED }, { issuedOn: '2020-01-01T00:00:00Z' }];
        return document;
      },
    ],
    [
      'the member text inside string values, escaped quotes and a key ending in issuedOn',
      () => {
        const document = clr() as Loose;
        document['name'] = `{"issuedOn":"${ISSUED}"} ,"issuedOn":"${ISSUED}"`;
        document['x'] = {
          'a"issuedOn': ISSUED,
          'a,"issuedOn': ISSUED,
          XissuedOn: ISSUED,
          list: ['issuedOn', ISSUED],
        };
        return document;
      },
    ],
    [
      'a nested issuedOn that only starts like the CLR date, or is not a string',
      () => {
        const document = clr() as Loose;
        document['x'] = [
          { issuedOn: `${ISSUED}x` },
          { issuedOn: 20250715 },
          { issuedOn: null },
          { issuedOn: [ISSUED] },
        ];
        return document;
      },
    ],
    [
      'text in many scripts and lone surrogates',
      () => {
        const document = clr({ name: 'Thảo – 学习 – \u{1F393} \ud800 "q"' }) as Loose;
        document['x'] = { issuedOn: ISSUED, note: '\udc00é' };
        return document;
      },
    ],
    [
      'undefined, function and symbol members (left out)',
      () => {
        const document = clr() as Loose;
        document['u'] = undefined;
        document['f'] = () => 1;
        document['s'] = Symbol('s');
        document['x'] = { u: undefined, issuedOn: ISSUED };
        return document;
      },
    ],
    [
      'a CLR date that needs escaping',
      () => {
        const odd = 'when "now" \\ later';
        const document = clr({ issuedOn: odd }) as Loose;
        document['x'] = { issuedOn: odd };
        return document;
      },
    ],
    [
      'no CLR date (the replacer path)',
      () => {
        const { issuedOn: _issuedOn, ...rest } = clr();
        return { ...rest, x: { issuedOn: 'a' } } as unknown as Clr;
      },
    ],
  ];

  it.each(cases)('gives JSON.stringify and the defined hash for %s', (_name, make) => {
    const document = make();
    const documents = unsignedClrDocuments(document);
    expect(documents.json).toBe(JSON.stringify(document));
    expect(documents.contentHash).toBe(byDefinition(document));
    expect(clrContentHash(document)).toBe(documents.contentHash);
  });
});
