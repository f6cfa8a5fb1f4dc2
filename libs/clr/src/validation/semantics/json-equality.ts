/** Deep equality of two JSON values; object key order does not matter. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => sameJson(item, other[index]));
  }
  const left = definedEntries(a as Record<string, unknown>);
  const right = b as Record<string, unknown>;
  return (
    left.length === definedEntries(right).length &&
    left.every(
      ([key, value]) => Object.prototype.hasOwnProperty.call(right, key) && sameJson(value, right[key]),
    )
  );
}

/** True when no property present in both objects has two different values (JSON-LD would merge them). */
export function compatibleObjects(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return definedEntries(a).every(([key, value]) => b[key] === undefined || sameJson(value, b[key]));
}

/** Properties whose value is undefined are absent in JSON. */
function definedEntries(object: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(object).filter(([, value]) => value !== undefined);
}
