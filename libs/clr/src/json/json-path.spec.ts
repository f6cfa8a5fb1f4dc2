import { appendPath, pointerToPath, toJsonPath } from './json-path';

describe('JSON paths', () => {
  it('uses dot notation for identifiers and brackets for indexes and other names', () => {
    expect(toJsonPath(['clr', 'assertions', 2, 'issuedOn'])).toBe('$.clr.assertions[2].issuedOn');
    expect(appendPath('$', '@context')).toBe("$['@context']");
    expect(appendPath('$.a', "it's")).toBe("$.a['it\\'s']");
    expect(appendPath('$.a', 'ext:foo')).toBe("$.a['ext:foo']");
  });

  it('converts ajv JSON pointers, unescaping ~1 and ~0', () => {
    expect(pointerToPath('')).toBe('$');
    expect(pointerToPath('/clr/assertions/2/issuedOn')).toBe('$.clr.assertions[2].issuedOn');
    expect(pointerToPath('/@context/1')).toBe("$['@context'][1]");
    expect(pointerToPath('/a~1b/c~0d')).toBe("$['a/b']['c~d']");
  });
});
