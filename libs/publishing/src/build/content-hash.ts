import { createHash, type Hash } from 'node:crypto';
import { type Clr } from '@app/clr';

/**
 * What a version's signed form carries, hashed first: raise it when signing changes what a signed
 * CLR holds for the same content, and the next run signs every learner again (their stored
 * versions' hashes no longer match). 2: achievement issuers linked to their key in the Clr's
 * `achievements` too, so an achievement's copies match exactly.
 */
export const SIGNED_FORM = 'clr-publisher signed form 2\n';

/** Stands in for an assertion `issuedOn` that is the CLR's own (no record date was usable). */
const CLR_ISSUED_ON = '(clr.issuedOn)';
/** The member an assertion `issuedOn` equal to the CLR's is hashed as. */
const PLACEHOLDER_MEMBER = `"issuedOn":${JSON.stringify(CLR_ISSUED_ON)}`;

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

/** The unsigned CLR as a build stores it, and the content hash it diffs with. */
export interface UnsignedClrDocuments {
  /** `JSON.stringify(clr)`: the version's `unsignedJson`. */
  json: string;
  /** {@link clrContentHash} of the CLR. */
  contentHash: string;
}

/**
 * The content hash a build diffs with: SHA-256 (hex) of {@link SIGNED_FORM} and the JSON of the
 * unsigned CLR without what changes on every build although nothing was published differently:
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
  return unsignedClrDocuments(clr).contentHash;
}

/**
 * `JSON.stringify(clr)` and {@link clrContentHash} from one serialisation: the CLR's members are
 * serialised one by one, joined into the JSON, and hashed without the `issuedOn` member and with
 * every nested `"issuedOn":<the CLR's issuedOn>` member text replaced by the placeholder. In
 * compact JSON a member starts right after `{` or `,`, which inside a string would have to be
 * followed by an escaped quote, so those texts are exactly the members the hash leaves out or
 * replaces (the spec compares both with a replacer-based serialisation).
 */
export function unsignedClrDocuments(clr: Clr): UnsignedClrDocuments {
  const { issuedOn } = clr;
  if (typeof issuedOn !== 'string' || 'toJSON' in clr) {
    return { json: JSON.stringify(clr), contentHash: replacerContentHash(clr) };
  }
  const record = clr as unknown as Record<string, unknown>;
  const hash = createHash('sha256').update(SIGNED_FORM).update('{');
  const members: string[] = [];
  const needle = `"issuedOn":${JSON.stringify(issuedOn)}`;
  let hashed = 0;
  for (const key of Object.keys(record)) {
    const value = JSON.stringify(record[key]) as string | undefined;
    if (value === undefined) continue; // undefined, functions and symbols: JSON leaves them out
    const member = `${JSON.stringify(key)}:${value}`;
    members.push(member);
    if (key === 'issuedOn') continue;
    if (hashed > 0) hash.update(',');
    hashed += 1;
    updateWithPlaceholders(hash, member, needle);
  }
  return { json: `{${members.join(',')}}`, contentHash: hash.update('}').digest('hex') };
}

/** Hashes `text` with each member `needle` (after `{` or `,`) as `"issuedOn":"(clr.issuedOn)"`. */
function updateWithPlaceholders(hash: Hash, text: string, needle: string): void {
  let from = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    const before = text.charCodeAt(at - 1);
    if (before !== 0x7b && before !== 0x2c) continue; // '{' ','
    hash.update(text.slice(from, at)).update(PLACEHOLDER_MEMBER);
    from = at + needle.length;
  }
  hash.update(from === 0 ? text : text.slice(from));
}

/** The hash by its definition, with a replacer (for CLRs the fast path does not cover). */
function replacerContentHash(clr: Clr): string {
  const { issuedOn } = clr;
  const json = JSON.stringify(clr, function (this: unknown, key: string, value: unknown) {
    if (key === 'issuedOn') {
      if (this === clr) return undefined;
      if (value === issuedOn) return CLR_ISSUED_ON;
    }
    return value;
  });
  return createHash('sha256').update(SIGNED_FORM).update(json).digest('hex');
}
