import { ClrIdFactory } from '@app/mapping';
import { PublicationUrls } from './publication-urls';

const BASE = 'https://clr.example.edu';
const ids = new ClrIdFactory(BASE, 'x'.repeat(32));
const urls = new PublicationUrls(BASE, ids);
const KID = 'TuvxIZPM83kyVUGPB8TgSH-DdJmp3Ksdk6WV4125SO0';
const institution = ids.institutionProfileId();
const unit = ids.organizationProfileId('ORG-ENG');
const unitHash = ids.hash('organization', 'ORG-ENG');

describe('PublicationUrls', () => {
  it('names the institution key document {kid} and an org unit one {kid}.{profile hash}', () => {
    expect(urls.keyDocumentId(KID, institution)).toBe(KID);
    expect(urls.keyDocumentId(KID, unit)).toBe(`${KID}.${unitHash}`);
    expect(urls.keyUrl(`${KID}.${unitHash}`)).toBe(`${BASE}/ims/clr/v1p0/keys/${KID}.${unitHash}`);
  });

  it('reads a key document id back to its kid and owner Profile', () => {
    expect(urls.parseKeyDocumentId(KID)).toEqual({ kid: KID, ownerId: institution });
    expect(urls.parseKeyDocumentId(`${KID}.${unitHash}`)).toEqual({ kid: KID, ownerId: unit });
  });

  it('refuses ids that are not of this scheme', () => {
    for (const id of ['', `${KID}.`, `${KID}.institution`, `${KID}.${unitHash}.x`, 'a/b', `${KID}.ABC`]) {
      expect({ id, parsed: urls.parseKeyDocumentId(id) }).toEqual({ id, parsed: undefined });
    }
    expect(() => urls.keyDocumentId('bad.kid', institution)).toThrow(
      'a kid must be 1-128 base64url characters',
    );
    expect(() => urls.keyDocumentId(KID, 'https://elsewhere.example/profiles/x')).toThrow(
      'https://elsewhere.example/profiles/x is not an issuer Profile id of this publisher',
    );
    expect(() => urls.keyDocumentId(KID, ids.assertionId('degree', 'D1'))).toThrow(
      'is not an issuer Profile id',
    );
  });

  it('gives each issuer Profile its revocation list, and reads list ids back', () => {
    expect(urls.revocationListId(institution)).toBe('institution');
    expect(urls.revocationListId(unit)).toBe(unitHash);
    expect(urls.revocationListUrl('institution')).toBe(`${BASE}/ims/clr/v1p0/revocations/institution`);
    expect(urls.issuerOfRevocationList('institution')).toBe(institution);
    expect(urls.issuerOfRevocationList(unitHash)).toBe(unit);
    expect(urls.issuerOfRevocationList('../keys')).toBeUndefined();
    expect(urls.issuerOfRevocationList(unitHash.toUpperCase())).toBeUndefined();
  });
});
