import { CLR_CONTEXT_URL, OPEN_BADGES_V2_CONTEXT_URL } from '../model/constants';
import { readSchemaFile } from './schema-locator';

/** Context URLs whose documents ship in `schemas/context/`; the only ones ever loaded. */
export const BUNDLED_CONTEXT_FILES: Readonly<Record<string, string>> = {
  [CLR_CONTEXT_URL]: 'clr_v1p0.jsonld',
  [OPEN_BADGES_V2_CONTEXT_URL]: 'openbadges_v2_context.json',
};

const loaded = new Map<string, unknown>();

/** True when `url` is one of the bundled JSON-LD contexts. */
export function isBundledContext(url: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUNDLED_CONTEXT_FILES, url);
}

/**
 * The parsed JSON-LD context document served at `url`, read once from `schemas/context/`.
 * Returns undefined for any other URL: nothing is ever fetched.
 */
export function loadBundledContext(url: string): unknown {
  if (!isBundledContext(url)) return undefined;
  let document = loaded.get(url);
  if (document === undefined) {
    document = JSON.parse(readSchemaFile('context', BUNDLED_CONTEXT_FILES[url])) as unknown;
    loaded.set(url, document);
  }
  return document;
}
