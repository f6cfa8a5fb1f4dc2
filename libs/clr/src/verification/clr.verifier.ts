import { parseJsonDocument } from '../json/parse-json-document';
import type { CompactJws } from '../model';
import { DEFAULT_MAX_JWS_LENGTH } from './compact-jws.decoder';
import { defaultDocumentValidator } from './default-document.validator';
import type { SignedObjectKind, VerificationReport, VerifyOptions } from './verification-report';
import { emptyOutcome, VerificationRun, type VerificationRunOptions } from './verification-run';

const DEFAULT_MAX_SIGNED_OBJECTS = 10_000;

/**
 * Verifies a CLR as delivered: a postClr payload (`{ "@context", "signedClr" }` or
 * `{ "@context", "clr" }`), a ClrSet, a bare Clr object, a compact JWS of a Clr, or the JSON
 * text of any of these. Every signed object inside (signedClr, signedAssertions,
 * signedEndorsements, at any depth) goes through the Open Badges 2.0 steps: decode, validate,
 * resolve the key, verify, key linkage, revocation. Never throws for bad input: each problem is
 * a finding whose path names the object (`$.signedClr.signedAssertions[3]`) and whose reason
 * says why.
 */
export async function verifyClr(input: unknown, options: VerifyOptions): Promise<VerificationReport> {
  const run = new VerificationRun(runOptions(options));
  let value = input;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const text = typeof value === 'string' ? value : undefined;
    if (text !== undefined && !text.trimStart().startsWith('{')) {
      return VerificationRun.report(await run.verifySigned(text, 'clr', '$'));
    }
    const parsed = parseJsonDocument(value, { maxBytes: options.maxJwsLength ?? DEFAULT_MAX_JWS_LENGTH });
    if (!parsed.ok) return VerificationRun.report({ ...emptyOutcome(), findings: parsed.findings });
    value = parsed.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return VerificationRun.report({
      ...emptyOutcome(),
      findings: [
        {
          path: '$',
          stage: 'input',
          reason: 'expected a postClr payload, a ClrSet, a Clr or a compact JWS of a Clr',
        },
      ],
    });
  }
  const record = value as Record<string, unknown>;
  const hasClr = Object.hasOwn(record, 'clr');
  const hasSigned = Object.hasOwn(record, 'signedClr');
  if (hasClr && hasSigned) {
    return VerificationRun.report({
      ...emptyOutcome(),
      findings: [
        { path: '$', stage: 'input', reason: 'a postClr payload carries clr or signedClr, not both' },
      ],
    });
  }
  if (hasSigned)
    return VerificationRun.report(await run.verifySigned(record.signedClr, 'clr', '$.signedClr'));
  if (hasClr) {
    const clr = record.clr;
    if (typeof clr !== 'object' || clr === null || Array.isArray(clr)) {
      return VerificationRun.report({
        ...emptyOutcome(),
        findings: [{ path: '$.clr', stage: 'input', reason: 'clr is not an object' }],
      });
    }
    return VerificationRun.report(await run.verifyUnsignedClr(clr as Record<string, unknown>, '$.clr'));
  }
  if (Object.hasOwn(record, 'clrs') || Object.hasOwn(record, 'signedClrs')) {
    // A ClrSet: check each unsigned Clr and each signed one.
    const outcome = await run.walk({ signedClrs: record.signedClrs }, '$', 0);
    const clrs = Array.isArray(record.clrs) ? record.clrs : [];
    for (const [i, clr] of clrs.entries()) {
      if (typeof clr !== 'object' || clr === null) continue;
      const part = await run.verifyUnsignedClr(clr as Record<string, unknown>, `$.clrs[${i}]`);
      outcome.findings.push(...part.findings);
      outcome.warnings.push(...part.warnings);
      outcome.objects.push(...part.objects);
    }
    return VerificationRun.report(outcome);
  }
  return VerificationRun.report(await run.verifyUnsignedClr(record, '$'));
}

/**
 * Verifies one compact JWS of a Clr, Assertion or Endorsement (and everything signed inside it)
 * with the same steps as {@link verifyClr}. Paths start at `$` for the JWS itself.
 */
export async function verifyCompactJws(
  jws: CompactJws,
  kind: SignedObjectKind,
  options: VerifyOptions,
): Promise<VerificationReport> {
  const run = new VerificationRun(runOptions(options));
  return VerificationRun.report(await run.verifySigned(jws, kind, '$'));
}

function runOptions(options: VerifyOptions): VerificationRunOptions {
  return {
    resolver: options.resolver,
    now: options.now ?? new Date(),
    validate: options.validate === false ? undefined : (options.validate ?? defaultDocumentValidator),
    revocation: options.revocation ?? 'required',
    maxJwsLength: options.maxJwsLength ?? DEFAULT_MAX_JWS_LENGTH,
    maxSignedObjects: options.maxSignedObjects ?? DEFAULT_MAX_SIGNED_OBJECTS,
  };
}
