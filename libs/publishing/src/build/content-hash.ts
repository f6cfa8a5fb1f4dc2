import { createHash } from 'node:crypto';
import { type Clr } from '@app/clr';

/** Stands in for an assertion `issuedOn` that is the CLR's own (no record date was usable). */
const CLR_ISSUED_ON = '(clr.issuedOn)';

/**
 * JSON with object keys sorted at every depth (array order is kept: the mapping orders
 * assertions and achievements deterministically). Undefined members are left out, as
 * JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * The content hash a build diffs with: SHA-256 (hex) of the JSON of the unsigned CLR without what
 * changes on every build although nothing was published differently:
 *
 * - the CLR's `issuedOn` (the run's clock), and
 * - an assertion's `issuedOn` where it *is* the CLR's `issuedOn` (the mapping falls back to it
 *   when none of the row's dates is usable yet); it is compared as a placeholder instead.
 *
 * Everything else counts, including ids, recipient salts (deterministic HMACs, so they are
 * stable), alignments and the publisher Profile. Signatures are not part of it: they are made
 * after the diff, only when the content changed. The JSON is in the mapping's own member order,
 * which is deterministic (same records, same order): sorting every object's keys
 * ({@link canonicalJson}) cost a build more than the rest of the diff, and a new mapping
 * release that only reorders members rebuilds every learner once, which it would anyway.
 */
export function clrContentHash(clr: Clr): string {
  const { issuedOn } = clr;
  const json = JSON.stringify(clr, function (this: unknown, key: string, value: unknown) {
    if (key === 'issuedOn') {
      if (this === clr) return undefined;
      if (value === issuedOn) return CLR_ISSUED_ON;
    }
    return value;
  });
  return createHash('sha256').update(json).digest('hex');
}
