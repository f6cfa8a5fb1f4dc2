import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clr, MemoryKeyResolver, signClr, verifyClr } from '@app/clr';
import { ClrIdFactory } from '@app/mapping';
import { PublisherStore } from '@app/store';
import { RevocationListService } from '../revocation/revocation-list.service';
import { PublicationUrls } from './publication-urls';
import { SigningKeyService } from './signing-key.service';

const BASE = 'http://127.0.0.1:3000';

describe('SigningKeyService and RevocationListService on a SQLite store', () => {
  let dir: string;
  let store: PublisherStore;
  let other: PublisherStore;
  const ids = new ClrIdFactory(BASE, 'k'.repeat(32));
  const urls = new PublicationUrls(BASE, ids);
  const unit = ids.organizationProfileId('ORG-1');
  let now = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clr-keys-'));
    const masterKey = randomBytes(32);
    store = await PublisherStore.open(
      { driver: 'sqlite', file: join(dir, 'store.db') },
      { masterKey, migrations: 'apply' },
    );
    other = await PublisherStore.open({ driver: 'sqlite', file: join(dir, 'store.db') }, { masterKey });
  });

  afterAll(async () => {
    await other?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates exactly one first key when two processes need one at once', async () => {
    const a = new SigningKeyService(store, urls, { clock: () => now });
    const b = new SigningKeyService(other, urls, { clock: () => now });
    const [first, second] = await Promise.all([a.activeSigners(), b.activeSigners()]);
    expect(first.kid).toBe(second.kid);
    expect(await a.list()).toHaveLength(1);
  }, 30_000);

  it('signs for the institution and an org unit with per-owner key documents, all published', async () => {
    const keys = new SigningKeyService(store, urls, { clock: () => now });
    const active = await keys.activeSigners();
    const [institution, orgUnit] = await active.signersFor([ids.institutionProfileId(), unit]);
    expect(institution.keyUrl).toBe(`${BASE}/ims/clr/v1p0/keys/${active.kid}`);
    expect(orgUnit.keyUrl).toBe(
      `${BASE}/ims/clr/v1p0/keys/${active.kid}.${ids.hash('organization', 'ORG-1')}`,
    );
    expect(orgUnit.revocationListUrl).toBe(
      `${BASE}/ims/clr/v1p0/revocations/${ids.hash('organization', 'ORG-1')}`,
    );
    expect(await active.signerFor(unit)).toBe(orgUnit);
    const documents = await keys.keyDocuments();
    expect(documents.map((document) => [document.id, document.owner]).sort()).toEqual(
      [
        [institution.keyUrl, ids.institutionProfileId()],
        [orgUnit.keyUrl, unit],
      ].sort(),
    );
    expect(await keys.keyDocument(`${active.kid}.${'0'.repeat(32)}`)).toBeNull();
    expect(await keys.keyDocument('../../etc')).toBeNull();
  });

  it('notices a rotation made by another process within the refresh time; the old key stays published', async () => {
    const keys = new SigningKeyService(store, urls, { clock: () => now, refreshMs: 5_000 });
    const before = await keys.activeSigners();
    const elsewhere = new SigningKeyService(other, urls);
    const rotated = await elsewhere.rotate('spec');
    expect(rotated.retired).toEqual([before.kid]);
    now += 1_000;
    expect((await keys.activeSigners()).kid).toBe(before.kid);
    now += 5_000;
    const after = await keys.activeSigners();
    expect(after.kid).toBe(rotated.kid);
    await after.signerFor(ids.institutionProfileId());
    const listed = await keys.list();
    expect(listed.map((key) => [key.kid, key.status])).toEqual([
      [rotated.kid, 'active'],
      [before.kid, 'retired'],
    ]);
    expect(await keys.keyDocument(before.kid)).toMatchObject({
      id: `${BASE}/ims/clr/v1p0/keys/${before.kid}`,
    });
    expect((await store.audit.list({ action: 'keys.rotate' })).map((entry) => entry.subject)).toContain(
      rotated.kid,
    );
  });

  it('publishes each issuer’s revocation list; an unknown or malformed list id has none', async () => {
    const lists = new RevocationListService(store, urls);
    await store.revocations.add(unit, `${BASE}/ims/clr/v1p0/assertions/${'a'.repeat(32)}`, 'spec');
    expect(await lists.document(ids.hash('organization', 'ORG-1'))).toEqual({
      '@context': expect.any(String),
      id: `${BASE}/ims/clr/v1p0/revocations/${ids.hash('organization', 'ORG-1')}`,
      type: 'RevocationList',
      issuer: unit,
      revokedAssertions: [`${BASE}/ims/clr/v1p0/assertions/${'a'.repeat(32)}`],
    });
    expect(await lists.document('institution')).toMatchObject({ revokedAssertions: [] });
    expect(await lists.document('f'.repeat(32))).toBeNull();
    expect(await lists.document('nope')).toBeNull();
  });

  it('signs a CLR that verifies against the published documents', async () => {
    const keys = new SigningKeyService(store, urls);
    const active = await keys.activeSigners();
    const clr: Clr = {
      id: ids.clrId('S1'),
      type: 'Clr',
      issuedOn: '2025-07-15T12:00:00Z',
      learner: { id: ids.learnerProfileId('S1'), type: 'Profile', name: 'A' },
      publisher: { id: ids.institutionProfileId(), type: 'Profile', name: 'Demo University' },
    };
    const signed = await signClr(clr, await active.signersFor([ids.institutionProfileId()]));
    const resolver = new MemoryKeyResolver({ keys: await keys.keyDocuments() });
    const list = await new RevocationListService(store, urls).document('institution');
    resolver.addRevocationList(list!);
    const report = await verifyClr(signed.signedClr, { resolver });
    expect(report.findings).toEqual([]);
  });
});
