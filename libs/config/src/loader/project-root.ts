import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

let cachedRoot: string | undefined;

/**
 * The project root: the nearest folder above this file holding a package.json. The same answer
 * from `libs/config/src` (ts-node, jest) and from `dist/libs/config/src` (built), since dist/
 * has no package.json of its own.
 */
export function projectRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}: cannot find the project root`);
    dir = parent;
  }
}

/** An absolute path as is; a relative one against the project root. */
export function resolveFromRoot(path: string, root: string = projectRoot()): string {
  return isAbsolute(path) ? path : resolve(root, path);
}
