import { createHash } from 'node:crypto';
import {
  hashIdentity,
  identityMatches,
  isIdentityHash,
  normalizeIdentity,
  randomSalt,
} from './identity-hash';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('recipient identity hashing', () => {
  it('computes sha256$ + hex(sha256(identity + salt)), the salt appended', () => {
    expect(hashIdentity('jane@example.edu', 'pepper')).toEqual({
      identity: `sha256$${sha256('jane@example.edu' + 'pepper')}`,
      salt: 'pepper',
    });
    // The Open Badges 2.0 example: SHA-256 of "mayze" with an empty salt.
    expect(hashIdentity('mayze', '').identity).toBe(
      'sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6',
    );
  });

  it('draws a fresh random salt when none is given', () => {
    const first = hashIdentity('jane@example.edu');
    const second = hashIdentity('jane@example.edu');
    expect(first.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(second.salt).not.toBe(first.salt);
    expect(second.identity).not.toBe(first.identity);
    expect(first.identity).toBe(`sha256$${sha256('jane@example.edu' + first.salt)}`);
    expect(randomSalt()).not.toBe(randomSalt());
  });

  it('matches a hashed recipient against the learner value', () => {
    const { identity, salt } = hashIdentity('jane@example.edu');
    const recipient = { type: 'email', identity, hashed: true, salt };
    expect(identityMatches(recipient, 'jane@example.edu')).toBe(true);
    expect(identityMatches(recipient, 'john@example.edu')).toBe(false);
    expect(identityMatches({ ...recipient, salt: 'other' }, 'jane@example.edu')).toBe(false);
    expect(identityMatches({ ...recipient, salt: undefined }, 'jane@example.edu')).toBe(false);
  });

  it('compares hex case-insensitively and lower-cases emails on both sides', () => {
    const { identity, salt } = hashIdentity(normalizeIdentity('email', ' Jane@Example.EDU '));
    expect(
      identityMatches(
        { type: 'email', identity: identity.toUpperCase().replace('SHA256', 'sha256'), hashed: true, salt },
        'JANE@example.edu',
      ),
    ).toBe(true);
    // An issuer that hashed the address as written also matches.
    const raw = hashIdentity('Jane@Example.edu', 's');
    expect(identityMatches({ type: 'email', ...raw, hashed: true }, 'Jane@Example.edu')).toBe(true);
    // Other identity types are case-sensitive.
    const student = hashIdentity('S-00AB', 's');
    expect(identityMatches({ type: 'studentId', ...student, hashed: true }, 's-00ab')).toBe(false);
    expect(identityMatches({ type: 'studentId', ...student, hashed: true }, 'S-00AB')).toBe(true);
  });

  it('accepts md5 hashes from other issuers and unsalted hashes', () => {
    const md5 = createHash('md5').update('jane@example.edu').digest('hex');
    expect(identityMatches({ type: 'email', identity: `md5$${md5}`, hashed: true }, 'jane@example.edu')).toBe(
      true,
    );
    expect(identityMatches({ type: 'email', identity: `md5$${md5}`, hashed: true }, 'john@example.edu')).toBe(
      false,
    );
  });

  it('compares unhashed identities directly', () => {
    expect(
      identityMatches({ type: 'email', identity: 'Jane@example.edu', hashed: false }, 'jane@EXAMPLE.edu'),
    ).toBe(true);
    expect(
      identityMatches(
        { type: 'url', identity: 'https://a.example/jane', hashed: false },
        'https://a.example/Jane',
      ),
    ).toBe(false);
  });

  it('recognises only well-formed hashes', () => {
    expect(isIdentityHash(hashIdentity('x').identity)).toBe(true);
    expect(isIdentityHash(`md5$${'a'.repeat(32)}`)).toBe(true);
    expect(isIdentityHash(`sha256$${'a'.repeat(63)}`)).toBe(false);
    expect(isIdentityHash(`sha1$${'a'.repeat(40)}`)).toBe(false);
    expect(isIdentityHash('sha256$not-hex')).toBe(false);
    expect(identityMatches({ type: 'email', identity: 'sha256$zz', hashed: true }, 'jane@example.edu')).toBe(
      false,
    );
  });
});
