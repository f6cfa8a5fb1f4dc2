const NOT_A_TREE: unique symbol = Symbol('not a plain JSON tree');

/**
 * A deep copy of `value` when it is plain JSON data forming a tree: objects (of Object.prototype
 * in any realm, or of none) and dense arrays holding strings, numbers, booleans, null, undefined
 * or bigints, every object reached once. The copy is what structuredClone gives for such data
 * (same keys in the same order, same values). Undefined for anything else, which the caller
 * copies with structuredClone.
 */
export function plainTreeCopy<T>(value: T): T | undefined {
  const copy = copyTree(value, new Set());
  return copy === NOT_A_TREE ? undefined : (copy as T);
}

function copyTree(value: unknown, seen: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? NOT_A_TREE : value;
  }
  if (seen.has(value)) return NOT_A_TREE;
  seen.add(value);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const array: unknown[] = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i];
      if (item === undefined && !(i in items)) return NOT_A_TREE; // a hole
      const copy = copyTree(item, seen);
      if (copy === NOT_A_TREE) return NOT_A_TREE;
      array[i] = copy;
    }
    return array;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return NOT_A_TREE;
  const record = value as Record<string, unknown>;
  const object: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === '__proto__') return NOT_A_TREE;
    const copy = copyTree(record[key], seen);
    if (copy === NOT_A_TREE) return NOT_A_TREE;
    object[key] = copy;
  }
  return object;
}
