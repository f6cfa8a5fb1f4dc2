import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CasePackageFileError, loadCfPackageFile } from './cf-package.loader';

const FIXTURE = path.resolve(
  __dirname,
  '../../../test/fixtures/case/act-holistic-framework-math.cfpackage.json',
);

describe('loadCfPackageFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'case-pkg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the real ACT package: its document and 28 items', async () => {
    const pkg = await loadCfPackageFile(FIXTURE);
    expect(pkg.CFDocument).toEqual({
      identifier: 'a33fc64e-5c40-11e7-82c4-3d54268aa9ee',
      uri: 'http://localhost:3000/ims/case/v1p0/CFDocuments/a33fc64e-5c40-11e7-82c4-3d54268aa9ee',
      title: 'ACT Holistic Framework, Math',
    });
    expect(pkg.CFItems).toHaveLength(28);
    expect(pkg.CFItems[0]).toMatchObject({
      humanCodingScheme: 'H.A.MATH.GM',
      abbreviatedStatement: 'Geometry and Measurement',
    });
  });

  it('names the file when it does not exist', async () => {
    const file = path.join(dir, 'missing.json');
    await expect(loadCfPackageFile(file)).rejects.toThrow(
      new CasePackageFileError(file, 'cannot be read (ENOENT)'),
    );
  });

  it('names the file when it is not JSON', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"CFDocument":');
    await expect(loadCfPackageFile(file)).rejects.toThrow(/^CASE package file .*bad\.json: is not JSON/);
  });

  it('names the JSON path of the first problem when it is not a CFPackage', async () => {
    const file = path.join(dir, 'item.json');
    writeFileSync(
      file,
      JSON.stringify({
        CFDocument: { identifier: 'd', uri: 'http://x/d', title: 'T' },
        CFItems: [{ identifier: 'i', uri: 'http://x/i' }],
      }),
    );
    await expect(loadCfPackageFile(file)).rejects.toThrow(
      `CASE package file ${file}: is not a CFPackage: $.CFItems[0].fullStatement: must be a non-empty string`,
    );
  });

  it('requires the CFDocument', async () => {
    const file = path.join(dir, 'empty.json');
    writeFileSync(file, '{"CFItems":[]}');
    await expect(loadCfPackageFile(file)).rejects.toThrow('$.CFDocument: is required and must be an object');
  });
});
