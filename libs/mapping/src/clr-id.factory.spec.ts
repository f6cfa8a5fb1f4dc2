import { createHmac } from 'node:crypto';
import { ClrIdFactory } from './clr-id.factory';

const BASE = 'https://clr.example.edu';
const SECRET = 'an-institution-secret-of-32-chars!!';

describe('ClrIdFactory', () => {
  const ids = new ClrIdFactory(`${BASE}/`, SECRET);

  it('lays ids out under the CLR API path, one collection per object kind', () => {
    expect(ids.clrId('S1')).toMatch(/^https:\/\/clr\.example\.edu\/ims\/clr\/v1p0\/clrs\/[0-9a-f]{32}$/);
    expect(ids.assertionId('course-grade', 'G1')).toMatch(
      /^https:\/\/clr\.example\.edu\/ims\/clr\/v1p0\/assertions\/[0-9a-f]{32}$/,
    );
    expect(ids.achievementId('course', 'C1')).toMatch(
      /^https:\/\/clr\.example\.edu\/ims\/clr\/v1p0\/achievements\/[0-9a-f]{32}$/,
    );
    expect(ids.organizationProfileId('O1')).toMatch(
      /^https:\/\/clr\.example\.edu\/ims\/clr\/v1p0\/profiles\/[0-9a-f]{32}$/,
    );
    expect(ids.institutionProfileId()).toBe('https://clr.example.edu/ims/clr/v1p0/profiles/institution');
  });

  it('takes the first 128 bits of HMAC-SHA256(idSecret, kind NUL key), so every machine agrees', () => {
    const expected = createHmac('sha256', SECRET).update('course-grade\u0000G1').digest('hex').slice(0, 32);
    expect(ids.assertionId('course-grade', 'G1')).toBe(`${BASE}/ims/clr/v1p0/assertions/${expected}`);
    expect(new ClrIdFactory(BASE, SECRET).assertionId('course-grade', 'G1')).toBe(
      ids.assertionId('course-grade', 'G1'),
    );
  });

  it('gives different ids for another secret, another kind or another key', () => {
    const other = new ClrIdFactory(BASE, `${SECRET}x`);
    expect(other.clrId('S1')).not.toBe(ids.clrId('S1'));
    expect(ids.hash('course', 'X')).not.toBe(ids.hash('competency', 'X'));
    expect(ids.hash('course', 'X')).not.toBe(ids.hash('course', 'Y'));
    expect(ids.hash('degree', 'D1')).not.toBe(ids.hash('degree-achievement', 'D1'));
  });

  it('never shows the student id', () => {
    for (const id of [
      ids.clrId('S1001'),
      ids.learnerProfileId('S1001'),
      ids.assertionId('degree', 'S1001'),
    ]) {
      expect(id).not.toContain('S1001');
    }
  });

  it('makes the learner Profile id a well-formed, unresolvable urn:uuid (version 8, RFC 9562 variant)', () => {
    const id = ids.learnerProfileId('S1001');
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.learnerProfileId('S1001')).toBe(id);
    expect(ids.learnerProfileId('S1002')).not.toBe(id);
  });

  it('derives a recipient salt per assertion that is stable and differs between assertions', () => {
    const a = ids.assertionId('course-grade', 'G1');
    const b = ids.assertionId('course-grade', 'G2');
    expect(ids.recipientSalt(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.recipientSalt(a)).toBe(new ClrIdFactory(BASE, SECRET).recipientSalt(a));
    expect(ids.recipientSalt(a)).not.toBe(ids.recipientSalt(b));
    expect(new ClrIdFactory(BASE, 'another-secret-another-secret-xx').recipientSalt(a)).not.toBe(
      ids.recipientSalt(a),
    );
  });

  it('parses back its own ids and nothing else', () => {
    const assertion = ids.assertionId('degree', 'D1');
    expect(ids.parse(assertion)).toEqual({ collection: 'assertions', segment: assertion.split('/').at(-1) });
    expect(ids.parse(ids.institutionProfileId())).toEqual({ collection: 'profiles', segment: 'institution' });
    expect(ids.parse(`${BASE}/ims/clr/v1p0/clrs/institution`)).toBeUndefined();
    expect(ids.parse(`${ids.achievementId('course', 'C1')}#status`)).toBeUndefined();
    expect(ids.parse(`https://elsewhere.example/ims/clr/v1p0/clrs/${'0'.repeat(32)}`)).toBeUndefined();
  });

  it('refuses an empty secret', () => {
    expect(() => new ClrIdFactory(BASE, '')).toThrow('idSecret must not be empty');
  });
});
