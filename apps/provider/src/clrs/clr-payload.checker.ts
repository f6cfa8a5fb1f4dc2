import { Inject, Injectable } from '@nestjs/common';
import {
  type Clr,
  type Finding,
  HttpKeyResolver,
  type KeyResolver,
  type PostClrPayload,
  validateDocument,
  validatePostClrPayload,
  verifyClr,
} from '@app/clr';
import { PROVIDER_OPTIONS, type ResolvedProviderOptions } from '../provider-options';
import { decodeCompactJwsPayload } from './compact-jws-payload';

export type PayloadCheck =
  | { ok: true; payload: PostClrPayload; format: 'clr' | 'signedClr'; clr: Clr }
  | { ok: false; findings: Finding[]; clrId?: string };

/** Deepest nesting searched for signed parts (CLRs nest a few levels; anything deeper is odd). */
const MAX_SIGNED_SEARCH_DEPTH = 12;

/**
 * Decides whether a postClr body is acceptable:
 * 1. the payload, with `validatePostClrPayload` from `@app/clr` (structure, JSON-LD, semantics);
 * 2. with signature checking on (the default) and anything signed in it, `verifyClr`: every
 *    JWS (signedClr, signedAssertions, signedEndorsements) is decoded, its object validated, its
 *    key fetched over HTTP from the URL the signer names (`verification.creator` / the issuer
 *    Profile's `publicKey`), the signature and key linkage checked, and the issuer's revocation
 *    list consulted;
 * 3. with signature checking off, a `signedClr` is only decoded and its Clr validated.
 * With payload validation off, only the shape needed to store it is checked ({@link readUnchecked}).
 */
@Injectable()
export class ClrPayloadChecker {
  private readonly resolver: KeyResolver;

  constructor(@Inject(PROVIDER_OPTIONS) private readonly options: ResolvedProviderOptions) {
    this.resolver = new HttpKeyResolver({
      timeoutMs: options.verificationFetchTimeoutMs,
      allowInsecureHttp: options.allowInsecureKeyUrls,
    });
  }

  async check(body: unknown): Promise<PayloadCheck> {
    if (!this.options.validatePayloads) return readUnchecked(body);
    const report = await validatePostClrPayload(body);
    if (!report.valid) return withId({ ok: false, findings: report.findings }, idOf(body));
    const payload = body as PostClrPayload;

    let clr: Clr;
    const format = payload.clr !== undefined ? 'clr' : 'signedClr';
    if (payload.clr !== undefined) {
      clr = payload.clr;
    } else {
      const decoded = decodeCompactJwsPayload(payload.signedClr);
      if (!decoded.ok) {
        return {
          ok: false,
          findings: [{ path: '$.signedClr', reason: `signedClr ${decoded.reason}`, stage: 'input' }],
        };
      }
      clr = decoded.value as Clr;
    }

    if (this.options.verifySignatures) {
      if (format === 'signedClr' || hasSignedParts(clr, 0)) {
        const verification = await verifyClr(payload, { resolver: this.resolver });
        if (!verification.valid) return withId({ ok: false, findings: verification.findings }, idOf({ clr }));
      }
    } else if (format === 'signedClr') {
      const clrReport = await validateDocument('clr', clr);
      if (!clrReport.valid) {
        const findings = clrReport.findings.map((finding) => ({
          ...finding,
          path: finding.path.replace(/^\$/, '$.signedClr'),
        }));
        return withId({ ok: false, findings }, idOf({ clr }));
      }
    }
    return { ok: true, payload, format, clr };
  }
}

/** A payload taken without validation: a `clr` object, or a `signedClr` whose payload is one, with an `id`. */
function readUnchecked(body: unknown): PayloadCheck {
  const payload = body as Partial<PostClrPayload> | null;
  const refuse = (path: string, reason: string): PayloadCheck => ({
    ok: false,
    findings: [{ path, reason, stage: 'input' }],
  });
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return refuse('$', 'the body is not a JSON object');
  let clr: unknown = payload.clr;
  let format: 'clr' | 'signedClr' = 'clr';
  if (clr === undefined) {
    if (typeof payload.signedClr !== 'string') return refuse('$', 'the body has neither clr nor signedClr');
    const decoded = decodeCompactJwsPayload(payload.signedClr);
    if (!decoded.ok) return refuse('$.signedClr', `signedClr ${decoded.reason}`);
    clr = decoded.value;
    format = 'signedClr';
  }
  const id = typeof clr === 'object' && clr !== null ? (clr as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 2048)
    return refuse(format === 'clr' ? '$.clr.id' : '$.signedClr.id', 'the CLR has no id');
  return { ok: true, payload: payload as PostClrPayload, format, clr: clr as Clr };
}

/** Whether a Clr carries any JWS (signedAssertions / signedEndorsements at any depth). */
function hasSignedParts(value: unknown, depth: number): boolean {
  if (depth > MAX_SIGNED_SEARCH_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => hasSignedParts(item, depth + 1));
  for (const [key, child] of Object.entries(value)) {
    if (/^signed[A-Z]/.test(key) && Array.isArray(child) && child.length > 0) return true;
    if (hasSignedParts(child, depth + 1)) return true;
  }
  return false;
}

/** The Clr id of a body that may be invalid, for the post log. */
function idOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const clr = (body as { clr?: unknown }).clr;
  if (typeof clr !== 'object' || clr === null) return undefined;
  const id = (clr as { id?: unknown }).id;
  return typeof id === 'string' && id.length <= 2048 ? id : undefined;
}

function withId(check: Extract<PayloadCheck, { ok: false }>, clrId: string | undefined): PayloadCheck {
  return clrId === undefined ? check : { ...check, clrId };
}
