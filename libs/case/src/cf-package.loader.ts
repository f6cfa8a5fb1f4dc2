import { readFile } from 'node:fs/promises';
import { type CfPackage, CfParseError, parseCfPackage } from './cf-package';

/** Why a configured CFPackage file cannot be used. */
export class CasePackageFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`CASE package file ${file}: ${problem}`);
    this.name = 'CasePackageFileError';
  }
}

/** Largest CFPackage file read from configuration (bytes). */
export const MAX_PACKAGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and parses a CFPackage JSON file named in configuration. A configured file that is
 * missing or malformed is a configuration error, so this throws {@link CasePackageFileError}
 * naming the file and the problem (with its JSON path).
 */
export async function loadCfPackageFile(file: string): Promise<CfPackage> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CasePackageFileError(file, `cannot be read (${code})`);
  }
  if (text.byteLength > MAX_PACKAGE_FILE_BYTES) {
    throw new CasePackageFileError(file, `is larger than ${MAX_PACKAGE_FILE_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new CasePackageFileError(file, `is not JSON (${(error as Error).message})`);
  }
  try {
    return parseCfPackage(json);
  } catch (error) {
    if (error instanceof CfParseError)
      throw new CasePackageFileError(file, `is not a CFPackage: ${error.message}`);
    throw error;
  }
}

/** Loads several configured package files (in order). */
export async function loadCfPackageFiles(files: readonly string[]): Promise<CfPackage[]> {
  return Promise.all(files.map((file) => loadCfPackageFile(file)));
}
