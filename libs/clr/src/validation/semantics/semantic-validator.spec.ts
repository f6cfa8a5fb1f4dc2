import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashIdentity } from '../../identity/identity-hash';
import { findProjectRoot } from '../../schemas/schema-locator';
import { validateSemantics } from './semantic-validator';

const fixture = (dir: string, name: string): any =>
  JSON.parse(readFileSync(join(findProjectRoot(), 'test', 'fixtures', 'clr', dir, name), 'utf8'));
const courses = () => fixture('valid', 'post-clr-courses.json');

describe('validateSemantics', () => {
  describe('ids', () => {
    it('lets a Profile appear with more or fewer properties, as long as none conflicts', () => {
      const payload = courses();
      // The publisher carries revocationList and email, the issuer copies do not.
      expect(payload.clr.publisher.revocationList).toBeDefined();
      expect(payload.clr.achievements[0].issuer.revocationList).toBeUndefined();
      expect(validateSemantics('postClr', payload)).toEqual([]);
    });

    it('merges Profile copies, so two copies that each fit the first but not each other conflict', () => {
      const payload = courses();
      payload.clr.achievements[1].issuer.telephone = '+1 555 0100';
      payload.clr.achievements[2].issuer.telephone = '+1 555 0199';
      payload.clr.assertions[0].achievement = payload.clr.achievements[1];
      payload.clr.assertions[1].achievement = payload.clr.achievements[2];
      expect(validateSemantics('postClr', payload)).toEqual([
        {
          stage: 'semantics',
          path: '$.clr.achievements[2].issuer.id',
          reason: 'this Profile id appears at $.clr.achievements[0].issuer with conflicting property values',
        },
        // The assertion's copy of that achievement carries the same conflicting issuer.
        expect.objectContaining({ path: '$.clr.assertions[1].achievement.issuer.id' }),
      ]);
    });

    it("treats an endorsement claim's id as a reference, not a second object", () => {
      const payload = courses();
      payload.clr.endorsements = [
        {
          ...fixture('valid', 'endorsement.json'),
          '@context': undefined,
          claim: { id: payload.clr.achievements[1].id, endorsementComment: 'Rigorous.' },
        },
      ];
      expect(validateSemantics('postClr', payload)).toEqual([]);
      payload.clr.endorsements[0].claim.id = 'achievements/1';
      expect(validateSemantics('postClr', payload)).toEqual([
        expect.objectContaining({
          path: '$.clr.endorsements[0].claim.id',
          reason: expect.stringContaining('absolute IRI'),
        }),
      ]);
    });

    it('requires absolute IRIs in key owners and revocation lists', () => {
      expect(validateSemantics('cryptographicKey', fixture('valid', 'cryptographic-key.json'))).toEqual([]);
      expect(
        validateSemantics('cryptographicKey', {
          ...fixture('valid', 'cryptographic-key.json'),
          owner: 'publisher',
        }),
      ).toEqual([
        expect.objectContaining({ path: '$.owner', reason: expect.stringContaining('absolute IRI') }),
      ]);
      const list = fixture('valid', 'revocation-list.json');
      expect(validateSemantics('revocationList', list)).toEqual([]);
      list.revokedAssertions.push('assertions/2');
      expect(validateSemantics('revocationList', list)).toEqual([
        expect.objectContaining({
          path: '$.revokedAssertions[1]',
          reason: expect.stringContaining('absolute IRI'),
        }),
      ]);
    });

    it('accepts urn: ids', () => {
      const payload = courses();
      payload.clr.id = 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e';
      expect(validateSemantics('postClr', payload)).toEqual([]);
    });
  });

  describe('associations', () => {
    it('are only resolved within a CLR: a hosted assertion may point at achievements elsewhere', () => {
      const assertion = fixture('valid', 'assertion.json');
      expect(assertion.achievement.associations[0].targetId).toBeDefined();
      expect(validateSemantics('assertion', assertion)).toEqual([]);
    });
  });

  describe('results', () => {
    it('checks a numeric value against a numeric range', () => {
      const payload = courses();
      payload.clr.assertions[1].results[0].value = 'ninety';
      expect(validateSemantics('postClr', payload)).toEqual([
        expect.objectContaining({
          path: '$.clr.assertions[1].results[0].value',
          reason: expect.stringContaining('not a number'),
        }),
      ]);
      payload.clr.assertions[1].results[0].value = '0';
      expect(validateSemantics('postClr', payload)).toEqual([]);
    });

    it('leaves results alone when the assertion has no achievement, and reports the achievement instead', () => {
      const payload = courses();
      delete payload.clr.assertions[0].achievement;
      expect(validateSemantics('postClr', payload)).toEqual([
        {
          stage: 'semantics',
          path: '$.clr.assertions[0].achievement',
          reason: 'is required unless the assertion is revoked',
        },
      ]);
    });
  });

  describe('date-times', () => {
    it('applies to every DateTime of the model, endorsements included', () => {
      const endorsement = fixture('valid', 'endorsement.json');
      expect(validateSemantics('endorsement', endorsement)).toEqual([]);
      endorsement.issuedOn = '2021-05-01T12:00:00.250';
      expect(validateSemantics('endorsement', endorsement)).toEqual([
        {
          stage: 'semantics',
          path: '$.issuedOn',
          reason: 'a date-time must carry a time zone (Z or ±hh:mm)',
        },
      ]);
    });
  });

  describe('revocation', () => {
    it('accepts a stripped revoked assertion and a revoked CLR with its reason', () => {
      const clr = fixture('valid', 'clr-with-revoked-assertion.json');
      expect(validateSemantics('clr', clr)).toEqual([]);
      expect(validateSemantics('clr', { ...clr, revoked: true, revocationReason: 'Superseded' })).toEqual([]);
      expect(validateSemantics('clr', { ...clr, revoked: false, revocationReason: 'Superseded' })).toEqual([
        { stage: 'semantics', path: '$.revocationReason', reason: 'is only allowed when revoked is true' },
      ]);
    });
  });

  describe('recipients', () => {
    it('compares an unhashed identity with the learner profile (emails case-insensitively)', () => {
      const payload = courses();
      payload.clr.assertions[0].recipient = {
        type: 'email',
        identity: payload.clr.learner.email.toUpperCase(),
        hashed: false,
      };
      expect(validateSemantics('postClr', payload)).toEqual([]);
      payload.clr.assertions[0].recipient.identity = 'someone.else@example.edu';
      expect(validateSemantics('postClr', payload)).toEqual([
        {
          stage: 'semantics',
          path: '$.clr.assertions[0].recipient.identity',
          reason: "does not match the learner Profile's email",
        },
      ]);
    });

    it('matches a learner email written in capitals against a hash of its lower-cased form', () => {
      const payload = courses();
      payload.clr.learner.email = 'Ada.Example@Students.Example.EDU';
      // The fixture hashes the lower-cased address; the learner Profile now spells it differently.
      expect(validateSemantics('postClr', payload)).toEqual([]);
    });

    it('checks the hash form of a lone assertion, which has no learner to match', () => {
      const assertion = fixture('valid', 'assertion.json');
      assertion.recipient = { ...assertion.recipient, ...hashIdentity('anyone@example.edu') };
      expect(validateSemantics('assertion', assertion)).toEqual([]);
      assertion.recipient.identity = 'sha256$abc';
      expect(validateSemantics('assertion', assertion)).toEqual([
        expect.objectContaining({
          path: '$.recipient.identity',
          reason: expect.stringContaining('sha256$<64 hex digits>'),
        }),
      ]);
    });
  });
});
