import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundledSchemaError, findProjectRoot, readSchemaFile, schemaFile, schemasDir } from './schema-locator';

describe('schema locator', () => {
  let sandbox: string;
  beforeAll(() => {
    sandbox = mkdtempSync(join(tmpdir(), 'clr-schema-locator-'));
  });
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

  it('finds the project root holding package.json and schemas/ from the source tree', () => {
    const root = findProjectRoot();
    expect(schemasDir()).toBe(join(root, 'schemas'));
    expect(schemaFile('context', 'clr_v1p0.jsonld')).toBe(join(root, 'schemas', 'context', 'clr_v1p0.jsonld'));
    expect(readSchemaFile('context', 'clr_v1p0.jsonld')).toContain('"clri"');
  });

  it('walks up from a compiled location such as dist/libs/clr/src/schemas', () => {
    const compiled = join(sandbox, 'project', 'dist', 'libs', 'clr', 'src', 'schemas');
    mkdirSync(compiled, { recursive: true });
    mkdirSync(join(sandbox, 'project', 'schemas'));
    writeFileSync(join(sandbox, 'project', 'package.json'), '{}');
    // A package.json without schemas/ next to it (e.g. a nested package) is passed by.
    writeFileSync(join(sandbox, 'project', 'dist', 'package.json'), '{}');
    expect(findProjectRoot(compiled)).toBe(join(sandbox, 'project'));
  });

  it('fails with a BundledSchemaError when there is no such folder, or a file is missing', () => {
    const orphan = join(sandbox, 'orphan', 'a', 'b');
    mkdirSync(orphan, { recursive: true });
    expect(() => findProjectRoot(orphan)).toThrow(BundledSchemaError);
    expect(() => readSchemaFile('context', 'missing.jsonld')).toThrow(/cannot read bundled file .*missing\.jsonld \(ENOENT\)/);
  });
});
