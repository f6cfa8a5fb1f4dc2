import type { Finding } from '../validation/finding';
import { formatBytes, resolveLimits, type DocumentLimits } from './document-limits';
import { scanJsonText } from './json-syntax-scanner';

/** The outcome of {@link parseJsonDocument}. */
export type ParsedJsonDocument = { ok: true; value: unknown } | { ok: false; findings: Finding[] };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses an untrusted JSON document (a request body, a decoded JWS payload, a fixture) safely:
 * the size is checked first, then the text is scanned for syntax, nesting depth, duplicate and
 * `__proto__` property names, and only then handed to `JSON.parse`. Problems come back as
 * findings with stage `input`; nothing throws and no part of the document appears in a reason.
 *
 * @param input the JSON text, or its UTF-8 bytes
 * @param limits size and depth bounds (defaults: 8 MiB, 64 levels)
 */
export function parseJsonDocument(input: string | Uint8Array, limits?: DocumentLimits): ParsedJsonDocument {
  const { maxBytes, maxDepth } = resolveLimits(limits);
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    return refuse('$', 'the document must be a string or UTF-8 bytes');
  }
  const size = byteLength(input, maxBytes);
  if (size > maxBytes) {
    return refuse(
      '$',
      `the document is ${formatBytes(size)}, larger than the limit of ${formatBytes(maxBytes)}`,
    );
  }
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    try {
      // TextDecoder drops a leading byte order mark itself.
      text = utf8.decode(input);
    } catch {
      return refuse('$', 'the document is not valid UTF-8');
    }
  }
  const problem = scanJsonText(text, maxDepth);
  if (problem) return refuse(problem.path, problem.reason);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // The scanner accepts exactly the JSON grammar, so this is not expected; refuse rather than throw.
    return refuse('$', 'malformed JSON');
  }
}

/** UTF-8 size of the input, computed only when the character count cannot decide against the limit. */
function byteLength(input: string | Uint8Array, maxBytes: number): number {
  if (typeof input !== 'string') return input.byteLength;
  // Every UTF-16 unit encodes to 1-3 UTF-8 bytes.
  if (input.length > maxBytes || input.length * 3 <= maxBytes) return input.length;
  return Buffer.byteLength(input, 'utf8');
}

function refuse(path: string, reason: string): ParsedJsonDocument {
  return { ok: false, findings: [{ path, reason, stage: 'input' }] };
}
