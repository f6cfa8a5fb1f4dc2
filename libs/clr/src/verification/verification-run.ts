import type { KeyObject } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';
import { appendPath } from '../json/json-path';
import {
  importRsaPublicKey,
  KeyMaterialError,
  KeyResolutionError,
  rsaKeyThumbprint,
  type KeyResolver,
} from '../keys';
import { CLR_CONTEXT_URL, type CryptographicKey, type Profile, type RevocationList } from '../model';
import type { Finding } from '../validation/finding';
import { isObject } from '../validation/semantics/model-walker';
import { achievementCopyFindings } from './achievement-copies';
import { decodeCompactJws, joseHeaderProblem, safeToken } from './compact-jws.decoder';
import type {
  DocumentValidator,
  RevocationPolicy,
  SignedObjectKind,
  VerificationReport,
  VerifiedDocumentKind,
  VerifiedObject,
} from './verification-report';

/** Signed objects nested deeper than this (ClrSet > Clr > Assertion > Endorsement is 4) are refused. */
const MAX_SIGNED_NESTING = 5;
const MAX_WALK_DEPTH = 64;

export interface VerificationRunOptions {
  resolver: KeyResolver;
  now: Date;
  validate: DocumentValidator | undefined;
  revocation: RevocationPolicy;
  maxJwsLength: number;
  maxSignedObjects: number;
}

/** Findings, warnings and objects of one part of the input, kept in document order. */
export interface Outcome {
  findings: Finding[];
  warnings: Finding[];
  objects: VerifiedObject[];
}

type ResolvedKey =
  | { ok: true; document: CryptographicKey; keyObject: KeyObject; thumbprint: string; problems: string[] }
  | Unresolved;
type ResolvedList = { ok: true; list: RevocationList; revoked: Set<string>; problems: string[] } | Unresolved;
type ResolvedProfile = { ok: true; profile: Profile | undefined } | Unresolved;
/** A document that could not be had; `transient` when asking again later may succeed. */
type Unresolved = { ok: false; reason: string; transient?: true };

/** The Profile that issues each kind of signed object, and where it sits in the payload. */
const SIGNING_PROFILE: Record<SignedObjectKind, { path: readonly string[]; label: string }> = {
  clr: { path: ['publisher'], label: 'publisher' },
  assertion: { path: ['achievement', 'issuer'], label: 'achievement.issuer' },
  endorsement: { path: ['issuer'], label: 'issuer' },
};

const NESTED_SIGNED: Record<string, SignedObjectKind> = {
  signedClr: 'clr',
  signedClrs: 'clr',
  signedAssertions: 'assertion',
  signedEndorsements: 'endorsement',
};

/**
 * One verification: the Open Badges 2.0 steps for every signed object met (decode, validate,
 * resolve the key, verify, key linkage, revocation), with keys, lists and profiles resolved
 * once per run however many objects use them.
 */
export class VerificationRun {
  private remaining: number;
  private budgetReported = false;
  private readonly keys = new Map<string, Promise<ResolvedKey>>();
  private readonly lists = new Map<string, Promise<ResolvedList>>();
  private readonly profiles = new Map<string, Promise<ResolvedProfile>>();
  private readonly documentsWarnedAbout = new Set<string>();

  constructor(private readonly options: VerificationRunOptions) {
    this.remaining = options.maxSignedObjects;
  }

  static report(outcome: Outcome): VerificationReport {
    return { valid: outcome.findings.length === 0, ...outcome };
  }

  /** Checks one JWS of the given kind at `path`, then every signed object inside it. */
  async verifySigned(jws: unknown, kind: SignedObjectKind, path: string, nesting = 1): Promise<Outcome> {
    const outcome = emptyOutcome();
    if (nesting > MAX_SIGNED_NESTING) {
      outcome.findings.push({
        path,
        stage: 'input',
        reason: `signed objects nested more than ${MAX_SIGNED_NESTING} deep`,
      });
      return outcome;
    }
    if (this.remaining <= 0) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        outcome.findings.push({
          path,
          stage: 'input',
          reason: `more than ${this.options.maxSignedObjects} signed objects: this and later ones were not checked`,
        });
      }
      return outcome;
    }
    this.remaining -= 1;

    const object: VerifiedObject = { path, kind, valid: false };
    outcome.objects.push(object);
    const own: Finding[] = [];
    const what = KIND_LABEL[kind];
    const decoded = decodeCompactJws(jws, this.options.maxJwsLength);
    if (!decoded.ok) {
      outcome.findings.push({ path, stage: 'signature', reason: `${what} JWS: ${decoded.reason}` });
      return outcome;
    }
    const { header, payload } = decoded.jws;
    if (typeof payload.id === 'string') object.id = payload.id;

    // Step 1 done (decoded). The header decides whether a signature check can even be tried.
    const headerProblem = joseHeaderProblem(header);
    if (headerProblem !== undefined) own.push({ path, stage: 'signature', reason: headerProblem });

    // Step 2: validate the data. Open Credential Publisher signs the bare object (no @context),
    // which the standalone Assertion / Endorsement schemas require; such payloads are validated
    // as if they carried the CLR context, with a warning.
    let document: Record<string, unknown> = payload;
    if (this.options.validate !== undefined && kind !== 'clr' && !Object.hasOwn(payload, '@context')) {
      document = { '@context': CLR_CONTEXT_URL, ...payload };
      outcome.warnings.push({
        path,
        stage: 'structure',
        reason: `the signed ${what} payload has no @context; it was validated with the CLR 1.0 context`,
      });
    }
    const validation = await this.validate(kind, document, path);
    own.push(...validation.findings);
    outcome.warnings.push(...validation.warnings);

    // Step 3: the trusted key, from verification.creator or the signing Profile.
    const spec = SIGNING_PROFILE[kind];
    const profile = pick(payload, spec.path);
    const profileId = isObject(profile) && typeof profile.id === 'string' ? profile.id : undefined;
    const verification = isObject(payload.verification) ? payload.verification : undefined;
    if (verification?.type !== 'Signed') {
      const found = typeof verification?.type === 'string' ? `'${safeToken(verification.type)}'` : 'missing';
      own.push({
        path: `${path}.verification.type`,
        stage: 'signature',
        reason: `a signed ${what} must have verification.type 'Signed' (found ${found})`,
      });
    }
    const creator = typeof verification?.creator === 'string' ? verification.creator : undefined;
    const listed = isObject(profile) && isObject(profile.publicKey) ? profile.publicKey : undefined;
    const keyUrl = creator ?? (typeof listed?.id === 'string' ? listed.id : undefined);

    let hosted: Profile | undefined;
    if (profileId === undefined) {
      own.push({
        path: `${path}.${spec.label}`,
        stage: 'key',
        reason: `no ${spec.label}.id: the profile that signed the ${what} is unknown, so no key can be trusted`,
      });
    } else if (this.options.resolver.getProfile !== undefined) {
      const resolvedProfile = await this.resolveProfile(profileId);
      if (resolvedProfile.ok) hosted = resolvedProfile.profile;
      else own.push(unresolvedFinding(`${path}.${spec.label}`, 'key', resolvedProfile));
    }
    const linkingProfile = hosted ?? (isObject(profile) ? (profile as unknown as Profile) : undefined);

    if (keyUrl === undefined) {
      own.push({
        path: `${path}.verification.creator`,
        stage: 'key',
        reason: `no key to check against: verification.creator is missing and the signing profile (${spec.label}) lists no publicKey`,
      });
    } else {
      object.keyUrl = keyUrl;
      // Step 4: get the key.
      const resolved = await this.resolveKey(keyUrl);
      if (!resolved.ok) {
        own.push(unresolvedFinding(`${path}.verification.creator`, 'key', resolved));
      } else {
        this.warnOnce(keyUrl, resolved.problems, 'key', `${path}.verification.creator`, outcome.warnings);
        const kid = typeof header.kid === 'string' ? header.kid : undefined;
        if (kid !== undefined && !kidMatches(kid, keyUrl, resolved.thumbprint)) {
          own.push({
            path,
            stage: 'key',
            reason: `JWS header kid '${safeToken(kid)}' does not identify key ${keyUrl} (verification.creator)`,
          });
        }
        // Step 5: verify the signature.
        if (headerProblem === undefined) {
          const signatureProblem = await verifySignature(jws as string, resolved.keyObject, keyUrl);
          if (signatureProblem !== undefined)
            own.push({ path, stage: 'signature', reason: signatureProblem });
        }
        // "Do not trust a key that is not properly linked from the issuer Profile."
        if (profileId !== undefined) {
          own.push(
            ...linkageFindings(
              resolved.document,
              resolved.keyObject,
              keyUrl,
              profileId,
              linkingProfile,
              hosted !== undefined,
              path,
              spec.label,
            ),
          );
        }
      }
    }

    // Step 6: revocation.
    if (profileId !== undefined) {
      const checked = await this.revocationFindings(
        payload,
        kind,
        path,
        profileId,
        linkingProfile,
        spec.label,
      );
      own.push(...checked.findings);
      outcome.warnings.push(...checked.warnings);
    }
    own.push(...this.lifetimeFindings(payload, kind, path));
    if (kind === 'clr' && this.options.validate !== undefined)
      own.push(...achievementCopyFindings(payload, path, this.options.maxJwsLength));

    object.valid = own.length === 0;
    outcome.findings.push(...own);
    merge(outcome, await this.walk(payload, path, nesting));
    return outcome;
  }

  /** Validates an unsigned Clr and checks every signed object inside it. */
  async verifyUnsignedClr(clr: Record<string, unknown>, path: string): Promise<Outcome> {
    const outcome = emptyOutcome();
    merge(outcome, await this.validate('clr', clr, path));
    const verification = isObject(clr.verification) ? clr.verification : undefined;
    if (verification?.type === 'Signed') {
      outcome.warnings.push({
        path: `${path}.verification`,
        stage: 'signature',
        reason:
          "the Clr says verification 'Signed' but was given unsigned: only its signed parts were checked",
      });
    }
    if (Array.isArray(clr.assertions)) {
      clr.assertions.forEach((assertion: unknown, i) => {
        if (!isObject(assertion) || !isObject(assertion.verification)) return;
        const type = assertion.verification.type;
        if (type === 'Signed' || type === 'Hosted') {
          outcome.warnings.push({
            path: `${path}.assertions[${i}].verification`,
            stage: 'signature',
            reason:
              type === 'Signed'
                ? "the assertion says verification 'Signed' but is not in signedAssertions: it was not checked"
                : 'Hosted verification (fetching the assertion by its id) is not performed by this verifier',
          });
        }
      });
    }
    merge(outcome, await this.walk(clr, path, 0));
    return outcome;
  }

  /** Finds `signedAssertions`, `signedEndorsements`, `signedClr(s)` anywhere below `value`. */
  async walk(value: unknown, path: string, nesting: number, depth = 0): Promise<Outcome> {
    const outcome = emptyOutcome();
    if (depth > MAX_WALK_DEPTH || typeof value !== 'object' || value === null) return outcome;
    const parts: Promise<Outcome>[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => parts.push(this.walk(item, `${path}[${i}]`, nesting, depth + 1)));
    } else {
      for (const [key, child] of Object.entries(value)) {
        const childPath = appendPath(path, key);
        const kind = Object.hasOwn(NESTED_SIGNED, key) ? NESTED_SIGNED[key] : undefined;
        if (kind !== undefined && key === 'signedClr') {
          parts.push(this.verifySigned(child, kind, childPath, nesting + 1));
        } else if (kind !== undefined && Array.isArray(child)) {
          child.forEach((jws, i) =>
            parts.push(this.verifySigned(jws, kind, `${childPath}[${i}]`, nesting + 1)),
          );
        } else {
          parts.push(this.walk(child, childPath, nesting, depth + 1));
        }
      }
    }
    for (const part of await Promise.all(parts)) merge(outcome, part);
    return outcome;
  }

  /**
   * Schema problems of a key or revocation list document are warnings, given once per document:
   * the facts a signature depends on (id, owner, publicKeyPem, issuer, revoked ids) are checked
   * directly, and a third party's cosmetic slip should not fail every object it signed.
   */
  private warnOnce(
    url: string,
    problems: string[],
    stage: Finding['stage'],
    path: string,
    warnings: Finding[],
  ): void {
    if (problems.length === 0 || this.documentsWarnedAbout.has(url)) return;
    this.documentsWarnedAbout.add(url);
    for (const reason of problems) warnings.push({ path, stage, reason });
  }

  private async validate(kind: VerifiedDocumentKind, value: unknown, path: string): Promise<Outcome> {
    const outcome = emptyOutcome();
    const validate = this.options.validate;
    if (validate === undefined) return outcome;
    try {
      const report = await validate(kind, value);
      for (const finding of report.findings)
        outcome.findings.push({ ...finding, path: rebase(path, finding.path) });
      for (const warning of report.warnings ?? [])
        outcome.warnings.push({ ...warning, path: rebase(path, warning.path) });
    } catch (error) {
      outcome.findings.push({
        path,
        stage: 'structure',
        reason: `the validator failed: ${errorName(error)}`,
      });
    }
    return outcome;
  }

  private resolveKey(url: string): Promise<ResolvedKey> {
    let pending = this.keys.get(url);
    if (pending === undefined) {
      pending = this.loadKey(url);
      this.keys.set(url, pending);
    }
    return pending;
  }

  private async loadKey(url: string): Promise<ResolvedKey> {
    let document: CryptographicKey;
    try {
      document = await this.options.resolver.getKey(url);
    } catch (error) {
      return unresolved(`key ${url} could not be resolved`, error);
    }
    let keyObject: KeyObject;
    try {
      keyObject = importRsaPublicKey(document.publicKeyPem);
    } catch (error) {
      const reason = error instanceof KeyMaterialError ? error.message : 'publicKeyPem could not be read';
      return { ok: false, reason: `key ${url} is not usable: ${reason}` };
    }
    const problems = (await this.validate('cryptographicKey', document, '$')).findings.map(
      (finding) => `key document ${url} is invalid at ${finding.path}: ${finding.reason}`,
    );
    return { ok: true, document, keyObject, thumbprint: await rsaKeyThumbprint(keyObject), problems };
  }

  private resolveList(url: string): Promise<ResolvedList> {
    let pending = this.lists.get(url);
    if (pending === undefined) {
      pending = this.loadList(url);
      this.lists.set(url, pending);
    }
    return pending;
  }

  private async loadList(url: string): Promise<ResolvedList> {
    let list: RevocationList;
    try {
      list = await this.options.resolver.getRevocationList(url);
    } catch (error) {
      return unresolved(`revocation list ${url} could not be resolved`, error);
    }
    const problems = (await this.validate('revocationList', list, '$')).findings.map(
      (finding) => `revocation list ${url} is invalid at ${finding.path}: ${finding.reason}`,
    );
    return { ok: true, list, revoked: new Set(list.revokedAssertions ?? []), problems };
  }

  private resolveProfile(id: string): Promise<ResolvedProfile> {
    let pending = this.profiles.get(id);
    if (pending === undefined) {
      pending = this.loadProfile(id);
      this.profiles.set(id, pending);
    }
    return pending;
  }

  private async loadProfile(id: string): Promise<ResolvedProfile> {
    try {
      return { ok: true, profile: await this.options.resolver.getProfile?.(id) };
    } catch (error) {
      return unresolved(`signing profile ${id} could not be resolved`, error);
    }
  }

  private async revocationFindings(
    payload: Record<string, unknown>,
    kind: SignedObjectKind,
    path: string,
    profileId: string,
    profile: Profile | undefined,
    label: string,
  ): Promise<{ findings: Finding[]; warnings: Finding[] }> {
    const findings: Finding[] = [];
    const warnings: Finding[] = [];
    const what = KIND_LABEL[kind];
    const unchecked = (reason: string, transient?: true): void => {
      const finding: Finding = { path, stage: 'revocation', reason };
      if (this.options.revocation === 'required')
        findings.push(transient ? { ...finding, transient } : finding);
      else warnings.push({ ...finding, reason: `${reason} (revocation not checked)` });
    };
    if (payload.revoked === true)
      findings.push({
        path: `${path}.revoked`,
        stage: 'revocation',
        reason: `the ${what} is marked revoked`,
      });
    const listUrl = profile?.revocationList;
    if (typeof listUrl !== 'string' || listUrl.length === 0) {
      unchecked(
        `the signing profile (${label}) has no revocationList, so revocation of the ${what} cannot be checked`,
      );
      return { findings, warnings };
    }
    const resolved = await this.resolveList(listUrl);
    if (!resolved.ok) {
      unchecked(resolved.reason, resolved.transient);
      return { findings, warnings };
    }
    this.warnOnce(listUrl, resolved.problems, 'revocation', path, warnings);
    if (resolved.list.issuer !== profileId) {
      findings.push({
        path,
        stage: 'revocation',
        reason: `revocation list ${listUrl} belongs to ${resolved.list.issuer}, not to the signing profile ${profileId}`,
      });
    }
    const id = payload.id;
    if (typeof id !== 'string') {
      unchecked(`the ${what} has no id to look up in revocation list ${listUrl}`);
    } else if (resolved.revoked.has(id)) {
      findings.push({
        path,
        stage: 'revocation',
        reason: `the ${what} ${id} is revoked (listed in ${listUrl})`,
      });
    }
    return { findings, warnings };
  }

  private lifetimeFindings(
    payload: Record<string, unknown>,
    kind: SignedObjectKind,
    path: string,
  ): Finding[] {
    if (kind !== 'assertion' || typeof payload.expires !== 'string') return [];
    const expires = Date.parse(payload.expires);
    if (Number.isNaN(expires) || expires > this.options.now.getTime()) return [];
    return [
      {
        path: `${path}.expires`,
        stage: 'semantics',
        reason: `the assertion expired at ${new Date(expires).toISOString()}`,
      },
    ];
  }
}

const KIND_LABEL: Record<SignedObjectKind, string> = {
  clr: 'Clr',
  assertion: 'Assertion',
  endorsement: 'Endorsement',
};

async function verifySignature(jws: string, key: KeyObject, keyUrl: string): Promise<string | undefined> {
  try {
    await compactVerify(jws, key, { algorithms: ['RS256'] });
    return undefined;
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return `the signature does not verify with key ${keyUrl}: the payload or header was altered, or another key signed it`;
    }
    if (error instanceof joseErrors.JOSEError) return `the signature could not be checked (${error.code})`;
    return `the signature could not be checked (${errorName(error)})`;
  }
}

/**
 * Key linkage: the key names the signing Profile as `owner`, and that Profile (hosted when the
 * resolver can fetch it, else the one embedded in the payload) lists the key as `publicKey`.
 */
function linkageFindings(
  key: CryptographicKey,
  keyObject: KeyObject,
  keyUrl: string,
  profileId: string,
  profile: Profile | undefined,
  hosted: boolean,
  path: string,
  label: string,
): Finding[] {
  const findings: Finding[] = [];
  const where = hosted ? 'the hosted signing profile' : `the signing profile (${label})`;
  if (key.owner !== profileId) {
    findings.push({
      path: `${path}.verification.creator`,
      stage: 'key',
      reason: `key ${keyUrl} is owned by ${key.owner}, not by the signing profile ${profileId}`,
    });
  }
  const listed = profile?.publicKey;
  if (!isObject(listed)) {
    findings.push({
      path: `${path}.${label}`,
      stage: 'key',
      reason: `${where} does not list key ${keyUrl} (no publicKey)`,
    });
    return findings;
  }
  if (listed.id !== keyUrl) {
    findings.push({
      path: `${path}.${label}.publicKey`,
      stage: 'key',
      reason: `${where} lists key ${typeof listed.id === 'string' ? listed.id : '(no id)'}, not ${keyUrl}`,
    });
    return findings;
  }
  if (typeof listed.owner === 'string' && listed.owner !== profileId) {
    findings.push({
      path: `${path}.${label}.publicKey.owner`,
      stage: 'key',
      reason: `${where} lists key ${keyUrl} with owner ${listed.owner}, not ${profileId}`,
    });
  }
  if (typeof listed.publicKeyPem === 'string' && !samePublicKey(listed.publicKeyPem, keyObject)) {
    findings.push({
      path: `${path}.${label}.publicKey.publicKeyPem`,
      stage: 'key',
      reason: `the publicKeyPem in ${where} is not the key published at ${keyUrl}`,
    });
  }
  return findings;
}

function samePublicKey(pem: string, key: KeyObject): boolean {
  try {
    return importRsaPublicKey(pem).equals(key);
  } catch {
    return false;
  }
}

/** `kid` may be the key URL itself, its last path segment, or the key's RFC 7638 thumbprint. */
function kidMatches(kid: string, keyUrl: string, thumbprint: string): boolean {
  if (kid === keyUrl || kid === thumbprint) return true;
  try {
    const segments = new URL(keyUrl).pathname.split('/').filter((segment) => segment.length > 0);
    const last = segments.at(-1);
    return last !== undefined && decodeURIComponent(last) === kid;
  } catch {
    return false;
  }
}

function unresolved(what: string, error: unknown): Unresolved {
  const reason = `${what}: ${resolutionReason(error)}`;
  const transient = error instanceof KeyResolutionError && error.transient;
  return transient ? { ok: false, reason, transient: true } : { ok: false, reason };
}

function unresolvedFinding(path: string, stage: Finding['stage'], failure: Unresolved): Finding {
  const finding: Finding = { path, stage, reason: failure.reason };
  return failure.transient ? { ...finding, transient: true } : finding;
}

function resolutionReason(error: unknown): string {
  if (error instanceof KeyResolutionError) return error.message;
  return errorName(error);
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.message.length > 0 ? error.message.slice(0, 200) : error.name;
  return 'unknown error';
}

function rebase(base: string, findingPath: string): string {
  if (findingPath === '$' || findingPath === '') return base;
  return findingPath.startsWith('$') ? `${base}${findingPath.slice(1)}` : `${base}.${findingPath}`;
}

function pick(value: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function emptyOutcome(): Outcome {
  return { findings: [], warnings: [], objects: [] };
}

function merge(into: Outcome, from: Outcome): void {
  into.findings.push(...from.findings);
  into.warnings.push(...from.warnings);
  into.objects.push(...from.objects);
}
