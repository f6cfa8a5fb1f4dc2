import { appendPath } from '../json/json-path';
import { CLR_CONTEXT_URL } from '../model/constants';
import { BUNDLED_CONTEXT_FILES, isBundledContext } from '../schemas/bundled-contexts';
import type { Finding } from './finding';
import { isObject } from './semantics/model-walker';

/**
 * The top-level `@context` of a document names only bundled contexts and includes the CLR 1.0
 * context. A wrong context is an input problem (stage `input`): the document is not a CLR 1.0
 * document at all, and the JSON-LD stage is skipped for it. A missing `@context` or one of the
 * wrong JSON type is left to the structure stage.
 */
export function checkContext(value: unknown): Finding[] {
  if (!isObject(value)) return [];
  const context = value['@context'];
  const base = appendPath('$', '@context');
  const entries: Array<[string, string]> =
    typeof context === 'string'
      ? [[context, base]]
      : Array.isArray(context)
        ? context.flatMap((item, index): Array<[string, string]> =>
            typeof item === 'string' ? [[item, appendPath(base, index)]] : [],
          )
        : [];
  if (entries.length === 0) return [];
  const accepted = Object.keys(BUNDLED_CONTEXT_FILES).join(', ');
  const findings: Finding[] = entries
    .filter(([url]) => !isBundledContext(url))
    .map(([url, path]) => ({
      path,
      reason: `@context '${url}' is not a CLR 1.0 context; accepted: ${accepted}`,
      stage: 'input',
    }));
  if (!entries.some(([url]) => url === CLR_CONTEXT_URL)) {
    findings.push({
      path: base,
      reason: `@context must include the CLR 1.0 context ${CLR_CONTEXT_URL}`,
      stage: 'input',
    });
  }
  return findings;
}
