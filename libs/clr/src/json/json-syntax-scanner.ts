import { appendPath, type PathSegment } from './json-path';

/** Where and why a JSON text was refused by {@link scanJsonText}. */
export interface JsonScanProblem {
  /** JSON path of the value being read when the problem was found. */
  path: string;
  reason: string;
}

interface Frame {
  kind: 'object' | 'array';
  /** Property being read (objects) or index of the element being read (arrays). */
  segment: PathSegment | undefined;
  keys: Set<string> | undefined;
}

type State = 'value' | 'key' | 'afterValue';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/**
 * Checks a JSON text (RFC 8259) without building it: grammar, nesting depth, duplicate property
 * names and the `__proto__` property name. It runs before `JSON.parse`, so a refused text never
 * reaches the parser, and its reports carry a line, a column and a JSON path but never a piece of
 * the document (documents hold learner data).
 *
 * Iterative on purpose: a recursive reader would overflow the stack on the inputs it must refuse.
 */
export function scanJsonText(text: string, maxDepth: number): JsonScanProblem | undefined {
  const stack: Frame[] = [];
  let pos = 0;
  let state: State = 'value';
  const length = text.length;

  const path = (): string => {
    let result = '$';
    for (const frame of stack) if (frame.segment !== undefined) result = appendPath(result, frame.segment);
    return result;
  };
  const problem = (at: number, what: string): JsonScanProblem => {
    const { line, column } = lineAndColumn(text, at);
    return { path: path(), reason: `malformed JSON at line ${line}, column ${column}: ${what}` };
  };
  const skipWhitespace = (): void => {
    while (pos < length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      pos += 1;
    }
  };
  /** Reads the string starting at `pos` (a quote); returns its end (after the closing quote). */
  const readString = (): number | JsonScanProblem => {
    let i = pos + 1;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return problem(i, 'invalid \\u escape in a string');
          i += 6;
        } else if (next !== undefined && ESCAPES.has(next)) {
          i += 2;
        } else {
          return problem(i, 'invalid escape sequence in a string');
        }
        continue;
      }
      if (c < 0x20) return problem(i, 'control character in a string (it must be escaped)');
      i += 1;
    }
    return problem(pos, 'unterminated string');
  };

  for (;;) {
    skipWhitespace();
    if (state === 'value') {
      if (pos >= length) return problem(pos, stack.length === 0 ? 'the document is empty' : 'unexpected end');
      const c = text[pos];
      if (c === '{' || c === '[') {
        if (stack.length + 1 > maxDepth) {
          return { path: path(), reason: `nesting is deeper than the limit of ${maxDepth} levels` };
        }
        pos += 1;
        skipWhitespace();
        if (c === '{') {
          stack.push({ kind: 'object', segment: undefined, keys: new Set() });
          if (text[pos] === '}') {
            pos += 1;
            stack.pop();
            state = 'afterValue';
          } else {
            state = 'key';
          }
        } else {
          stack.push({ kind: 'array', segment: 0, keys: undefined });
          if (text[pos] === ']') {
            pos += 1;
            stack.pop();
            state = 'afterValue';
          }
        }
        continue;
      }
      if (c === '"') {
        const end = readString();
        if (typeof end !== 'number') return end;
        pos = end;
      } else if (c === 't' || c === 'f' || c === 'n') {
        const literal = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (!text.startsWith(literal, pos)) return problem(pos, 'unexpected character');
        pos += literal.length;
      } else {
        NUMBER.lastIndex = pos;
        if (!NUMBER.test(text)) return problem(pos, unexpected(c));
        pos = NUMBER.lastIndex;
      }
      state = 'afterValue';
      continue;
    }

    const frame = stack[stack.length - 1];
    if (state === 'key') {
      // Only reached with an object frame on top.
      if (text[pos] !== '"')
        return problem(pos, pos >= length ? 'unexpected end' : 'expected a property name');
      const end = readString();
      if (typeof end !== 'number') return end;
      const raw = text.slice(pos + 1, end - 1);
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      pos = end;
      frame.segment = key;
      if (key === '__proto__') return { path: path(), reason: 'the property name __proto__ is not allowed' };
      if (frame.keys?.has(key)) {
        return { path: path(), reason: 'this property appears more than once in the same object' };
      }
      frame.keys?.add(key);
      skipWhitespace();
      if (text[pos] !== ':') return problem(pos, "expected ':' after a property name");
      pos += 1;
      state = 'value';
      continue;
    }

    // state === 'afterValue'
    if (frame === undefined) {
      if (pos < length) return problem(pos, 'unexpected content after the JSON value');
      return undefined;
    }
    const c = text[pos];
    if (c === ',') {
      pos += 1;
      if (frame.kind === 'array') {
        frame.segment = (frame.segment as number) + 1;
        state = 'value';
      } else {
        state = 'key';
      }
    } else if ((c === '}' && frame.kind === 'object') || (c === ']' && frame.kind === 'array')) {
      pos += 1;
      stack.pop();
    } else if (pos >= length) {
      return problem(pos, 'unexpected end');
    } else {
      return problem(pos, frame.kind === 'object' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
}

function unexpected(c: string | undefined): string {
  if (c === undefined) return 'unexpected end';
  return /^[\x21-\x7e]$/.test(c) ? `unexpected character '${c}'` : 'unexpected character';
}

/** 1-based line and column of a position in a text. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}
