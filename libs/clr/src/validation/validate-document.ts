import type { DocumentLimits } from '../json/document-limits';
import { checkJsonValue } from '../json/json-value-guard';
import { BundledSchemaError } from '../schemas/schema-locator';
import { checkContext } from './context-check';
import { isDocumentKind, type DocumentKind } from './document-kind';
import type { Finding, ValidationReport } from './finding';
import { checkJsonLdTerms } from './json-ld/json-ld-term-check';
import { validateJsonLd } from './json-ld/json-ld-validator';
import { validateSemantics } from './semantics/semantic-validator';
import { validateStructure } from './structure/structure-validator';

/** Options of {@link validateDocument}. */
export interface ValidateOptions {
  /**
   * The JSON-LD stage: `true` / `'expand'` (default) expands the document with jsonld; `'terms'`
   * checks its property names, `type`s and `id`s against the bundled contexts without expanding
   * it (same findings, a fraction of the cost; see {@link checkJsonLdTerms}); `false` skips it.
   */
  jsonLd?: boolean | 'expand' | 'terms';
  /** Size and depth bounds checked before any stage runs (defaults: 8 MiB, 64 levels). */
  limits?: DocumentLimits;
}

/**
 * Validates a CLR 1.0 document and returns every finding, each with a JSON path and a reason:
 *
 * 1. input: the value is JSON within the size and depth limits, and its `@context` names the
 *    CLR 1.0 context and nothing but bundled contexts (otherwise nothing else runs / JSON-LD is skipped);
 * 2. structure: the OpenAPI component for the kind (ajv, all errors), and for postClr exactly
 *    one of `clr` and `signedClr`;
 * 3. json-ld: expansion with the bundled contexts, no network, every dropped term reported (or,
 *    with `jsonLd: 'terms'`, the same check without expanding);
 * 4. semantics: rules the schema cannot express (ids, references, results, zones, revocation,
 *    recipient identity).
 *
 * Never throws for bad input; an unexpected internal failure of a stage is reported as a finding.
 * `valid` is true when there are no findings; `warnings` do not affect it.
 */
export async function validateDocument(
  kind: DocumentKind,
  value: unknown,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  if (!isDocumentKind(kind)) {
    return report([{ path: '$', reason: `unknown document kind '${String(kind)}'`, stage: 'input' }], []);
  }
  const inputProblem = checkJsonValue(value, options.limits);
  if (inputProblem) return report([inputProblem], []);

  const findings: Finding[] = [];
  const warnings: Finding[] = [];
  const contextFindings = checkContext(value);
  findings.push(...contextFindings);
  findings.push(...guarded('structure', () => validateStructure(kind, value)));
  if (options.jsonLd !== false && contextFindings.length === 0) {
    try {
      const jsonLd =
        options.jsonLd === 'terms' ? await checkJsonLdTerms(kind, value) : await validateJsonLd(kind, value);
      findings.push(...jsonLd.findings);
      warnings.push(...jsonLd.warnings);
    } catch (error) {
      findings.push(internalFailure('json-ld', error));
    }
  }
  findings.push(...guarded('semantics', () => validateSemantics(kind, value)));
  return report(findings, warnings);
}

/** {@link validateDocument} for a bare Clr (as nested in a postClr payload or decoded from a signed CLR). */
export function validateClr(clr: unknown, options?: ValidateOptions): Promise<ValidationReport> {
  return validateDocument('clr', clr, options);
}

/** {@link validateDocument} for a postClr request body: `@context` and exactly one of `clr` / `signedClr`. */
export function validatePostClrPayload(
  payload: unknown,
  options?: ValidateOptions,
): Promise<ValidationReport> {
  return validateDocument('postClr', payload, options);
}

function report(findings: Finding[], warnings: Finding[]): ValidationReport {
  return warnings.length > 0
    ? { valid: findings.length === 0, findings, warnings }
    : { valid: findings.length === 0, findings };
}

function guarded(stage: Finding['stage'], run: () => Finding[]): Finding[] {
  try {
    return run();
  } catch (error) {
    return [internalFailure(stage, error)];
  }
}

/** A bug or a broken bundled file, not a property of the document; reported rather than thrown. */
function internalFailure(stage: Finding['stage'], error: unknown): Finding {
  // Only the installation's own errors are quoted: others may carry pieces of the document.
  const detail =
    error instanceof BundledSchemaError ? error.message : error instanceof Error ? error.name : typeof error;
  return { path: '$', reason: `the ${stage} stage failed internally (${detail})`, stage };
}
