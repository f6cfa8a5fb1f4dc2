import {
  decodeCompactJws,
  DEFAULT_MAX_JWS_LENGTH,
  type DocumentKind,
  type DocumentValidator,
  type Finding,
  formatBytes,
  type KeyResolver,
  parseJsonDocument,
  type RevocationPolicy,
  type SignedObjectKind,
  validateDocument,
  type ValidationReport,
  verifyClr,
  verifyCompactJws,
  type VerificationReport,
  type VerifyOptions,
} from '@app/clr';
import { CliUsageError } from '../cli.errors';
import { detectDocumentKind } from './document-kind.detector';
import type { SourceContent } from './document-source.reader';

/** Largest input `verify` reads: the longest compact JWS the verifier accepts. */
export const MAX_INPUT_BYTES = DEFAULT_MAX_JWS_LENGTH;

export interface CheckOptions {
  /** Check the document as this kind instead of recognising it. */
  kind?: DocumentKind;
  /** Validate only: signed parts are checked for shape, not for signature, key or revocation. */
  skipSignatures: boolean;
  /** Needed unless `skipSignatures`; only asked for when something is signed. */
  resolver: () => Promise<KeyResolver>;
  revocation: RevocationPolicy;
  now?: Date;
}

/** What `verify` found. `signatures` counts the signed objects checked (0 for unsigned documents). */
export interface CheckResult {
  /** The kind checked, or `jws` for a compact JWS given as such. */
  kind: DocumentKind | 'jws';
  /** For a compact JWS: the kind of object it was checked as. */
  jwsKind?: SignedObjectKind;
  valid: boolean;
  findings: Finding[];
  warnings: Finding[];
  signatures: number;
}

const SIGNED_KEYS = new Set(['signedClr', 'signedClrs', 'signedAssertions', 'signedEndorsements']);
const CLR_KINDS: ReadonlySet<DocumentKind> = new Set(['postClr', 'clr', 'getClr', 'clrSet']);
const JWS_KINDS: readonly SignedObjectKind[] = ['clr', 'assertion', 'endorsement'];
const MAX_SIGNED_SEARCH_DEPTH = 64;

/**
 * Checks what `verify` read: a JSON document (postClr payload, Clr, ClrSet, or any other CLR 1.0
 * document) or a compact JWS. JSON goes through `parseJsonDocument` and `validateDocument` with
 * its kind recognised (a document nothing identifies is checked as a postClr payload, with a
 * warning); anything signed in it then goes through `verifyClr` (`verifyCompactJws` for the
 * signed endorsements of an Assertion or Endorsement). Never throws for bad input, except
 * {@link CliUsageError} for a `kind` that cannot apply.
 */
export async function checkDocument(content: SourceContent, options: CheckOptions): Promise<CheckResult> {
  if (!content.ok) {
    const size = content.size !== undefined ? ` is ${formatBytes(content.size)},` : ' is';
    return invalid(options.kind ?? 'postClr', [
      {
        path: '$',
        stage: 'input',
        reason: `the input${size} larger than the limit of ${formatBytes(MAX_INPUT_BYTES)}`,
      },
    ]);
  }
  const first = firstSignificantByte(content.bytes);
  if (first === undefined) {
    return invalid(options.kind ?? 'postClr', [{ path: '$', stage: 'input', reason: 'the input is empty' }]);
  }
  // JSON texts that are documents start with `{` (or `[`, `"` ... for the wrong JSON type);
  // a compact JWS starts with base64url.
  if (!/[A-Za-z0-9_-]/.test(first)) return checkJson(content.bytes, options);
  return checkJws(content.bytes.toString('utf8').trim(), options);
}

async function checkJson(bytes: Buffer, options: CheckOptions): Promise<CheckResult> {
  const parsed = parseJsonDocument(bytes);
  if (!parsed.ok) return invalid(options.kind ?? 'postClr', parsed.findings);
  const value = parsed.value;
  const detected = options.kind ?? detectDocumentKind(value);
  const kind = detected ?? 'postClr';
  const warnings: Finding[] = [];
  if (detected === undefined) {
    warnings.push({
      path: '$',
      stage: 'input',
      reason: 'not recognisable as a CLR 1.0 document; checked as a postClr payload (use --kind to choose)',
    });
  }
  const report = await validateDocument(kind, value);
  const findings = [...report.findings];
  warnings.push(...(report.warnings ?? []));

  let signatures = 0;
  if (hasSignedParts(value, 0)) {
    if (options.skipSignatures) {
      warnings.push(signaturesSkipped());
    } else {
      const verification = await verifySignedParts(kind, value, options);
      signatures = verification.objects.length;
      merge(findings, verification.findings);
      merge(warnings, verification.warnings);
    }
  }
  return { kind, valid: findings.length === 0, findings, warnings, signatures };
}

async function checkJws(jws: string, options: CheckOptions): Promise<CheckResult> {
  const jwsKind = options.kind ?? 'clr';
  if (!isSignedObjectKind(jwsKind)) {
    throw new CliUsageError(
      `a compact JWS carries a Clr, an Assertion or an Endorsement; --kind ${jwsKind} does not apply`,
      'verify',
    );
  }
  if (options.skipSignatures) {
    const decoded = decodeCompactJws(jws);
    if (!decoded.ok) {
      return { ...invalid('jws', [{ path: '$', stage: 'input', reason: decoded.reason }]), jwsKind };
    }
    const report: ValidationReport = await validateDocument(jwsKind, decoded.jws.payload);
    const warnings = [...(report.warnings ?? []), signaturesSkipped()];
    return { kind: 'jws', jwsKind, valid: report.valid, findings: report.findings, warnings, signatures: 0 };
  }
  const report = await verifyCompactJws(jws, jwsKind, await verifyOptions(options));
  return {
    kind: 'jws',
    jwsKind,
    valid: report.valid,
    findings: report.findings,
    warnings: report.warnings,
    signatures: report.objects.length,
  };
}

/**
 * Signed parts of a JSON document. The document itself has been validated already: the
 * verifier's validator skips the objects that validation covered (the Clr of a postClr payload,
 * each Clr of a ClrSet, a bare Clr) and validates only what it decodes from a JWS.
 */
async function verifySignedParts(
  kind: DocumentKind,
  value: unknown,
  options: CheckOptions,
): Promise<Pick<VerificationReport, 'findings' | 'warnings' | 'objects'>> {
  const base = await verifyOptions(options);
  const record = value as Record<string, unknown>;
  const validated = new WeakSet<object>([record]);
  if (isRecord(record.clr)) validated.add(record.clr);
  if (Array.isArray(record.clrs)) record.clrs.filter(isRecord).forEach((clr) => validated.add(clr));
  const validate: DocumentValidator = (documentKind, document) =>
    isRecord(document) && validated.has(document)
      ? { valid: true, findings: [] }
      : validateDocument(documentKind, document);
  const verifyOpts = { ...base, validate };
  if (CLR_KINDS.has(kind)) {
    // Validation has said that a payload with both cannot be taken; the verifier would repeat it.
    if (kind === 'postClr' && Object.hasOwn(record, 'clr') && Object.hasOwn(record, 'signedClr')) {
      return { findings: [], warnings: [], objects: [] };
    }
    return verifyClr(value, verifyOpts);
  }

  // An Assertion or Endorsement document (or anything else) with signed endorsements in it.
  const outcome: Pick<VerificationReport, 'findings' | 'warnings' | 'objects'> = {
    findings: [],
    warnings: [],
    objects: [],
  };
  for (const { path, jws, jwsKind } of signedParts(value, '$', 0)) {
    const report = await verifyCompactJws(jws, jwsKind, verifyOpts);
    const rebase = (finding: Finding): Finding => ({ ...finding, path: path + finding.path.slice(1) });
    outcome.findings.push(...report.findings.map(rebase));
    outcome.warnings.push(...report.warnings.map(rebase));
    outcome.objects.push(...report.objects);
  }
  return outcome;
}

async function verifyOptions(options: CheckOptions): Promise<VerifyOptions> {
  return { resolver: await options.resolver(), revocation: options.revocation, now: options.now };
}

/** True when a signed-object property holds something (an empty `signedClrs: []` signs nothing). */
function hasSignedParts(value: unknown, depth: number): boolean {
  if (depth > MAX_SIGNED_SEARCH_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => hasSignedParts(item, depth + 1));
  for (const [key, child] of Object.entries(value)) {
    if (SIGNED_KEYS.has(key) && child !== undefined && child !== null && !isEmptyArray(child)) return true;
    if (hasSignedParts(child, depth + 1)) return true;
  }
  return false;
}

/** The outermost JWS strings of a non-CLR document, with their paths and kinds. */
function signedParts(
  value: unknown,
  path: string,
  depth: number,
): Array<{ path: string; jws: string; jwsKind: SignedObjectKind }> {
  if (depth > MAX_SIGNED_SEARCH_DEPTH || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => signedParts(item, `${path}[${i}]`, depth + 1));
  const parts: Array<{ path: string; jws: string; jwsKind: SignedObjectKind }> = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`;
    const jwsKind: SignedObjectKind | undefined =
      key === 'signedEndorsements' ? 'endorsement' : key === 'signedAssertions' ? 'assertion' : undefined;
    if (jwsKind !== undefined && Array.isArray(child)) {
      child.forEach((jws, i) => {
        if (typeof jws === 'string') parts.push({ path: `${childPath}[${i}]`, jws, jwsKind });
      });
    } else {
      parts.push(...signedParts(child, childPath, depth + 1));
    }
  }
  return parts;
}

function signaturesSkipped(): Finding {
  return {
    path: '$',
    stage: 'signature',
    reason: 'signatures, keys and revocation were not checked (--skip-signatures)',
  };
}

function invalid(kind: DocumentKind | 'jws', findings: Finding[]): CheckResult {
  return { kind, valid: false, findings, warnings: [], signatures: 0 };
}

/** Adds findings not already there (validation and verification may both report one problem). */
function merge(into: Finding[], from: readonly Finding[]): void {
  const seen = new Set(into.map(key));
  for (const finding of from) {
    if (seen.has(key(finding))) continue;
    seen.add(key(finding));
    into.push(finding);
  }
}

function key(finding: Finding): string {
  return `${finding.path}\u0000${finding.reason}`;
}

function firstSignificantByte(bytes: Buffer): string | undefined {
  let i = 0;
  // A UTF-8 byte order mark.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  for (; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return String.fromCharCode(byte);
  }
  return undefined;
}

function isSignedObjectKind(kind: DocumentKind): kind is SignedObjectKind {
  return (JWS_KINDS as readonly string[]).includes(kind);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}
