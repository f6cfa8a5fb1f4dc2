import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A bundled schema or context file is missing or unreadable: a broken installation, not bad input. */
export class BundledSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundledSchemaError';
  }
}

let cachedRoot: string | undefined;

/**
 * The project root: the nearest folder above `start` holding both `package.json` and the bundled
 * `schemas/` folder. Code runs from `libs/clr/src` (jest) and from `dist/libs/clr/src` (node), so
 * the location is found by walking up rather than by a fixed relative path.
 *
 * @throws Error when no such folder exists above `start`
 */
export function findProjectRoot(start: string = __dirname): string {
  if (start === __dirname && cachedRoot !== undefined) return cachedRoot;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) {
      if (start === __dirname) cachedRoot = dir;
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new BundledSchemaError(`no folder holding package.json and schemas/ above ${start}`);
    }
  }
}

/** Absolute path of the bundled `schemas/` folder (CLR 1.0 contexts, OpenAPI, JSON Schemas). */
export function schemasDir(): string {
  return join(findProjectRoot(), 'schemas');
}

/** Absolute path of a file below `schemas/`, e.g. `schemaFile('context', 'clr_v1p0.jsonld')`. */
export function schemaFile(...parts: string[]): string {
  return join(schemasDir(), ...parts);
}

/** Reads a text file below `schemas/`; a missing or unreadable file is a {@link BundledSchemaError}. */
export function readSchemaFile(...parts: string[]): string {
  const file = schemaFile(...parts);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new BundledSchemaError(`cannot read bundled file ${file} (${typeof code === 'string' ? code : 'error'})`);
  }
}
