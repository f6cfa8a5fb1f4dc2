import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliInputError } from '../cli.errors';

export interface KeyFile {
  /** File name inside the output directory. */
  name: string;
  content: string;
  /** Permission bits, e.g. 0o600 for a private key. */
  mode: number;
}

/**
 * Writes the files into `directory` (created, 0700, when missing). Each file is written to a
 * temporary name with its final mode, then linked into place, which fails if the file appeared
 * meanwhile; with `force` it is renamed over the old one. A private key is therefore never
 * readable by others, not even for a moment, and never half-written. On a failure the files
 * this call placed are removed again.
 *
 * @returns the paths written, in order
 * @throws CliInputError naming the file that exists (without `force`) or cannot be written
 */
export async function writeKeyFiles(
  directory: string,
  files: readonly KeyFile[],
  force: boolean,
): Promise<string[]> {
  const targets = files.map((file) => join(directory, file.name));
  if (!force) {
    for (const target of targets) {
      if (await exists(target)) throw new CliInputError(`refusing to overwrite ${target} (use --force)`);
    }
  }
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliInputError(`cannot create ${directory}: ${code(error)}`);
  }
  const placed: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const target = targets[i];
      const temporary = join(directory, `.${file.name}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, file.content, { mode: file.mode, flag: 'wx' });
        // The umask may have removed bits from `mode`; set exactly what was asked.
        await chmod(temporary, file.mode);
        if (force) {
          await rename(temporary, target);
        } else {
          await link(temporary, target);
          await unlink(temporary);
        }
        placed.push(target);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        if (code(error) === 'EEXIST')
          throw new CliInputError(`refusing to overwrite ${target} (use --force)`);
        throw new CliInputError(`cannot write ${target}: ${code(error)}`);
      }
    }
  } catch (error) {
    if (!force) await Promise.all(placed.map((path) => unlink(path).catch(() => undefined)));
    throw error;
  }
  return placed;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function code(error: unknown): string {
  const value = (error as { code?: unknown }).code;
  return typeof value === 'string' ? value : error instanceof Error ? error.name : 'failed';
}
