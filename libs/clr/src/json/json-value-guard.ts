import type { Finding } from '../validation/finding';
import { formatBytes, resolveLimits, type DocumentLimits } from './document-limits';
import { appendPath } from './json-path';

interface Pending {
  value: unknown;
  /** Where the value sits; the JSON path is only built when a problem is reported. */
  parent: Pending | undefined;
  segment: string | number | undefined;
  depth: number;
  /** Set on the marker that leaves an object or array again (for cycle detection). */
  leave?: object;
}

/**
 * Checks that an in-memory value is a JSON document within the limits before a validator walks
 * it: plain objects, arrays, strings, finite numbers, booleans and null only; no cycles; no
 * `__proto__` property; nesting and (estimated) serialized size within the limits. Object
 * properties whose value is `undefined` count as absent, as `JSON.stringify` drops them.
 *
 * Iterative, and it stops at the first problem. Returns at most one finding (stage `input`).
 */
export function checkJsonValue(value: unknown, limits?: DocumentLimits): Finding | undefined {
  const { maxBytes, maxDepth } = resolveLimits(limits);
  const onPath = new Set<object>();
  const pending: Pending[] = [{ value, parent: undefined, segment: undefined, depth: 0 }];
  let size = 0;
  const refuse = (at: Pending | string, reason: string): Finding => ({
    path: typeof at === 'string' ? at : pathOf(at),
    reason,
    stage: 'input',
  });

  while (pending.length > 0) {
    const item = pending.pop() as Pending;
    if (item.leave) {
      onPath.delete(item.leave);
      continue;
    }
    const { value: current, depth } = item;
    switch (typeof current) {
      case 'string':
        size += current.length + 2;
        break;
      case 'boolean':
        size += 5;
        break;
      case 'number':
        if (!Number.isFinite(current))
          return refuse(item, 'a number must be finite (JSON has no NaN or Infinity)');
        size += 8;
        break;
      case 'object': {
        if (current === null) {
          size += 4;
          break;
        }
        const isArray = Array.isArray(current);
        if (!isArray && !isPlainObject(current)) {
          return refuse(item, `a ${describe(current)} is not a JSON value`);
        }
        if (depth + 1 > maxDepth)
          return refuse(item, `nesting is deeper than the limit of ${maxDepth} levels`);
        if (onPath.has(current)) return refuse(item, 'the value contains itself (a cycle)');
        onPath.add(current);
        pending.push({ value: undefined, parent: undefined, segment: undefined, depth, leave: current });
        size += 2;
        if (isArray) {
          const array = current as unknown[];
          for (let i = array.length - 1; i >= 0; i -= 1) {
            const child: Pending = { value: array[i], parent: item, segment: i, depth: depth + 1 };
            if (array[i] === undefined) return refuse(child, 'undefined is not a JSON value');
            pending.push(child);
            size += 1;
          }
        } else {
          const entries: Array<[string, unknown]> = Object.entries(current as Record<string, unknown>);
          for (let i = entries.length - 1; i >= 0; i -= 1) {
            const [key, child] = entries[i];
            const next: Pending = { value: child, parent: item, segment: key, depth: depth + 1 };
            if (key === '__proto__') return refuse(next, 'the property name __proto__ is not allowed');
            if (child === undefined) continue;
            pending.push(next);
            size += key.length + 4;
          }
        }
        break;
      }
      case 'undefined':
        return refuse(item, 'undefined is not a JSON value');
      case 'bigint':
      case 'function':
      case 'symbol':
        return refuse(item, `a ${typeof current} is not a JSON value`);
    }
    if (size > maxBytes) {
      return refuse('$', `the document is larger than the limit of ${formatBytes(maxBytes)} when serialized`);
    }
  }
  return undefined;
}

function pathOf(item: Pending): string {
  const segments: Array<string | number> = [];
  for (let current: Pending | undefined = item; current?.segment !== undefined; current = current.parent) {
    segments.push(current.segment);
  }
  return segments.reduceRight<string>(appendPath, '$');
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function describe(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? `${name} object` : 'non-plain object';
}
