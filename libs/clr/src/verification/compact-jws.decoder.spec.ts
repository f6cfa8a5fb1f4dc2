import { decodeCompactJws, joseHeaderProblem } from './compact-jws.decoder';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256', kid: 'k1' });
const payload = b64({ id: 'urn:a' });

describe('decodeCompactJws', () => {
  it('decodes header and payload', () => {
    expect(decodeCompactJws(`${header}.${payload}.c2lnbg`)).toEqual({
      ok: true,
      jws: { header: { alg: 'RS256', kid: 'k1' }, payload: { id: 'urn:a' } },
    });
  });

  it.each([
    ['a number', 42, 'expected a compact JWS string, found number'],
    ['null', null, 'expected a compact JWS string, found null'],
    ['an object', { jws: 'x' }, 'expected a compact JWS string, found object'],
    ['two segments', `${header}.${payload}`, 'a compact JWS has 3 dot-separated segments, this has 2'],
    ['one garbage segment', 'garbage', 'a compact JWS has 3 dot-separated segments, this has 1'],
    ['a JWE', 'a.b.c.d.e', 'this is a JWE (5 segments), not a JWS: encrypted CLRs are not accepted'],
    ['an empty signature', `${header}.${payload}.`, 'the signature segment is empty (an unsigned JWS)'],
    [
      'alg none with no signature',
      `${b64({ alg: 'none' })}.${payload}.`,
      'alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256',
    ],
    ['an empty payload', `${header}..c2ln`, 'the payload segment is empty'],
    ['non-base64url characters', `${header}.${payload}.sig+/=`, 'the signature segment is not base64url'],
    ['an impossible base64 length', `${header}.${payload}.abcde`, 'the signature segment is not base64url'],
    [
      'a header that is not JSON',
      `${b64('not json')}.${payload}.c2ln`,
      'the JOSE header is not a JSON object',
    ],
    ['a header that is an array', `${b64([1])}.${payload}.c2ln`, 'the JOSE header is not a JSON object'],
    ['a payload that is an array', `${header}.${b64([1, 2])}.c2ln`, 'the payload is not a JSON object'],
    [
      'invalid UTF-8 in the payload',
      `${header}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.c2ln`,
      'the payload is not acceptable JSON ($: the document is not valid UTF-8)',
    ],
  ])('refuses %s, saying why', (_name, value, reason) => {
    expect(decodeCompactJws(value)).toEqual({ ok: false, reason });
  });

  it('refuses a payload with duplicate keys (they make signed JSON ambiguous)', () => {
    const result = decodeCompactJws(`${header}.${b64('{"id":"urn:a","id":"urn:b"}')}.c2ln`);
    expect(result).toEqual({
      ok: false,
      reason:
        'the payload is not acceptable JSON ($.id: this property appears more than once in the same object)',
    });
  });

  it('refuses a deeply nested payload without a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const result = decodeCompactJws(`${header}.${b64(`{"a":${deep}}`)}.c2ln`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^the payload is not acceptable JSON/);
  });

  it('refuses a huge JWS before decoding it', () => {
    const huge = `${header}.${'A'.repeat(2_000_000)}.c2ln`;
    expect(decodeCompactJws(huge, 1_000_000)).toEqual({
      ok: false,
      reason: `the JWS is ${huge.length} characters, longer than the limit of 1000000`,
    });
  });

  it('never echoes the content of a bad segment', () => {
    const result = decodeCompactJws(`${b64('{"alg":"RS256","x":"Jane Doe"')}.${payload}.c2ln`);
    expect(JSON.stringify(result)).not.toContain('Jane');
  });
});

describe('joseHeaderProblem', () => {
  it('accepts RS256', () => {
    expect(joseHeaderProblem({ alg: 'RS256', kid: 'k', typ: 'JWT' })).toBeUndefined();
  });

  it.each([
    [{}, 'the JOSE header has no "alg"'],
    [{ alg: 7 }, 'the JOSE header "alg" is not a string'],
    [{ alg: 'none' }, 'alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256'],
    [{ alg: 'NONE' }, 'alg "none" (an unsigned JWS) is not accepted: CLR signatures must be RS256'],
    [
      { alg: 'HS256' },
      'HMAC algorithm HS256 is not accepted: a shared-secret signature cannot be checked against a published key; CLR signatures must be RS256',
    ],
    [
      { alg: 'HS512' },
      'HMAC algorithm HS512 is not accepted: a shared-secret signature cannot be checked against a published key; CLR signatures must be RS256',
    ],
    [{ alg: 'ES256' }, 'algorithm ES256 is not accepted: CLR signatures must be RS256'],
    [{ alg: 'PS256' }, 'algorithm PS256 is not accepted: CLR signatures must be RS256'],
    [
      { alg: 'RS256', crit: ['b64'], b64: false },
      'the JOSE header requests critical extensions ("crit"), which are not supported',
    ],
    [{ alg: 'RS256', kid: 5 }, 'the JOSE header "kid" is not a string'],
  ])('refuses %j', (header, reason) => {
    expect(joseHeaderProblem(header)).toBe(reason);
  });
});
