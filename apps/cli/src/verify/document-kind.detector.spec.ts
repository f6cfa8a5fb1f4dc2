import { detectDocumentKind } from './document-kind.detector';

describe('detectDocumentKind', () => {
  it.each([
    [{ '@context': 'c', clr: {} }, 'postClr'],
    [{ '@context': 'c', signedClr: 'a.b.c' }, 'postClr'],
    [{ clr: {}, signedClr: 'a.b.c' }, 'postClr'],
    [{ '@context': 'c', clrs: [] }, 'clrSet'],
    [{ signedClrs: [] }, 'clrSet'],
    [{ imsx_codeMajor: 'failure' }, 'imsxStatusInfo'],
    [{ name: 'x', tokenUrl: 'https://t' }, 'discovery'],
    [{ type: 'Clr' }, 'clr'],
    [{ '@context': 'c', type: ['Extension', 'Clr'] }, 'clr'],
    [{ type: 'Assertion' }, 'assertion'],
    [{ type: 'Endorsement' }, 'endorsement'],
    [{ type: 'CryptographicKey' }, 'cryptographicKey'],
    [{ type: 'RevocationList' }, 'revocationList'],
  ])('recognises %j as %s', (value, kind) => {
    expect(detectDocumentKind(value)).toBe(kind);
  });

  it.each([
    [{}],
    [{ '@context': 'c' }],
    [{ type: 'Profile' }],
    [{ type: 'toString' }],
    [[]],
    ['text'],
    [null],
  ])('recognises nothing in %j', (value) => {
    expect(detectDocumentKind(value)).toBeUndefined();
  });
});
