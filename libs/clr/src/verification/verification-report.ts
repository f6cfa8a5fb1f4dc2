import type { KeyResolver } from '../keys';
import type { Finding, ValidationReport } from '../validation/finding';

/** The objects a CLR may carry as JWS. */
export type SignedObjectKind = 'clr' | 'assertion' | 'endorsement';

/** Document kinds handed to the validator (step 2 of the Open Badges 2.0 verification). */
export type VerifiedDocumentKind = SignedObjectKind | 'cryptographicKey' | 'revocationList';

/** Validates one decoded document; findings' paths start at the document root (`$`). */
export type DocumentValidator = (
  kind: VerifiedDocumentKind,
  value: unknown,
) => Promise<ValidationReport> | ValidationReport;

/**
 * What to do when revocation cannot be checked (no `revocationList` on the signing Profile, or
 * the list cannot be resolved): `required` makes it a finding (the object is not valid);
 * `if-available` makes it a warning, for offline checks with keys but no lists. An id found in
 * a list is a finding either way.
 */
export type RevocationPolicy = 'required' | 'if-available';

export interface VerifyOptions {
  resolver: KeyResolver;
  /** The instant `expires` is compared with. Default: now. */
  now?: Date;
  /**
   * Step 2 (validate the data). Default: the CLR validator of this library. `false` skips it,
   * e.g. when the caller has validated already.
   */
  validate?: DocumentValidator | false;
  /** Default `required`. */
  revocation?: RevocationPolicy;
  /** Longest JWS accepted, in characters. Default 16 MiB. */
  maxJwsLength?: number;
  /** Most signed objects checked in one call (a CLR with thousands is an attack). Default 10 000. */
  maxSignedObjects?: number;
}

/** One signed object that was checked. */
export interface VerifiedObject {
  /** JSON path of the JWS, e.g. `$.signedClr.signedAssertions[3]`. */
  path: string;
  kind: SignedObjectKind;
  /** The object `id`, when the payload could be read. */
  id?: string;
  /** The key it was checked against, when one was determined. */
  keyUrl?: string;
  /** True when this object's own checks (not its nested objects') found nothing. */
  valid: boolean;
}

export interface VerificationReport extends ValidationReport {
  /** Things not checked, or not checkable, that do not make the input invalid. */
  warnings: Finding[];
  /** Every signed object met, outermost first. */
  objects: VerifiedObject[];
}
