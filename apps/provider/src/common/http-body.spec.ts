import { accepts, charsetOf, mediaTypeOf } from './http-body';

describe('accepts', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['application/ld+json', true],
    ['application/ld+json; q=0.5', true],
    ['application/*', true],
    ['*/*', true],
    ['text/html, */*;q=0.1', true],
    ['application/json', false],
    ['text/html', false],
    ['application/ld+json;q=0', false],
    // The most specific range decides: ld+json refused even though */* is welcome.
    ['*/*, application/ld+json;q=0', false],
  ])('Accept %p admits application/ld+json: %p', (header, expected) => {
    expect(accepts(header, 'application/ld+json')).toBe(expected);
  });
});

describe('content type parsing', () => {
  it('reads the media type and charset, ignoring case and parameters', () => {
    expect(mediaTypeOf('Application/LD+JSON; charset=UTF-8')).toBe('application/ld+json');
    expect(charsetOf('application/json; charset="utf-8"')).toBe('utf-8');
    expect(charsetOf('application/json')).toBeUndefined();
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});
