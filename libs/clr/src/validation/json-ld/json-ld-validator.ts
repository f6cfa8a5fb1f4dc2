import { expand } from 'jsonld';
import { CLR_CONTEXT_URL } from '../../model/constants';
import type { DocumentKind } from '../document-kind';
import type { Finding } from '../finding';
import { isObject } from '../semantics/model-walker';
import { offlineDocumentLoader, RefusedContextError } from './offline-document-loader';
import { locateProperty } from './property-locator';

/** The part of a jsonld event this stage reads. */
export interface JsonLdEvent {
  code: string;
  level: string;
  details?: Record<string, unknown>;
}

/** jsonld 9 expand options; @types/jsonld predates `safe` and `eventHandler`. */
interface ExpandOptions {
  documentLoader: typeof offlineDocumentLoader;
  base: null;
  safe: boolean;
  eventHandler: (input: { event: JsonLdEvent; next: () => void }) => void;
}
const expandDocument = expand as unknown as (input: object, options: ExpandOptions) => Promise<unknown>;

/** One JSON-LD document to expand and where it sits in the validated document. */
export interface ExpansionTarget {
  document: Record<string, unknown>;
  path: string;
}

export interface JsonLdResult {
  findings: Finding[];
  warnings: Finding[];
}

/**
 * Expands the document with the bundled contexts only (no network) and reports every term that
 * JSON-LD would drop or could not resolve, with the JSON path where it occurs.
 *
 * Safe mode (`safe: true`) throws on the first such event; to report them all, expansion runs
 * with an event handler that records every warning-level event instead: the same events safe
 * mode refuses (dropped property, relative @id/@type reference, free-floating value ...).
 *
 * Where it runs (see {@link expansionTargets}): Clr documents, a postClr payload carrying `clr`,
 * hosted assertions and endorsements, keys, revocation lists and the discovery document (all of
 * whose terms the CLR context defines). Not on `imsx_StatusInfo` (no `imsx_*` term is defined)
 * nor on a ClrSet as a whole (`ClrSet` is no term, so its `type` is a relative @type): each of
 * its `clrs` is expanded on its own instead. A recipient `type` of `id` is a relative @type too,
 * but CLR 1.0 names it as a valid identity type, so it is a warning, not a finding.
 */
export async function validateJsonLd(kind: DocumentKind, value: unknown): Promise<JsonLdResult> {
  const result: JsonLdResult = { findings: [], warnings: [] };
  for (const target of expansionTargets(kind, value)) {
    reportExpansion(result, await expandTarget(target), target);
  }
  return result;
}

/** What expanding one target gave: jsonld's warning-level events, or the finding of a failed expansion. */
export interface TargetExpansion {
  events: JsonLdEvent[];
  failure?: Finding;
}

/** Expands one target with the bundled contexts, recording every warning-level event. */
export async function expandTarget(target: ExpansionTarget): Promise<TargetExpansion> {
  const events: JsonLdEvent[] = [];
  try {
    await expandDocument(target.document, {
      documentLoader: offlineDocumentLoader,
      base: null,
      safe: false,
      eventHandler: ({ event, next }) => {
        if (event.level === 'warning') events.push(event);
        next();
      },
    });
  } catch (error) {
    return { events, failure: expansionFailure(error, target) };
  }
  return { events };
}

/** Turns a target's events (or failure) into findings and warnings located in the document. */
export function reportExpansion(
  result: JsonLdResult,
  expansion: TargetExpansion,
  target: ExpansionTarget,
): void {
  if (expansion.failure !== undefined) result.findings.push(expansion.failure);
  // jsonld raises one event per occurrence, and each event is located at every occurrence.
  const distinct = new Map(
    expansion.events.map((event) => [`${event.code}\u0000${JSON.stringify(event.details)}`, event]),
  );
  for (const event of distinct.values()) addEvent(result, event, target);
}

/** The JSON-LD documents inside a document of the given kind; see {@link validateJsonLd}. */
export function expansionTargets(kind: DocumentKind, value: unknown): ExpansionTarget[] {
  if (!isObject(value)) return [];
  switch (kind) {
    case 'postClr':
      return isObject(value.clr) ? [{ document: value, path: '$' }] : [];
    case 'clr':
      // A bare Clr inherits the CLR context from the payload it travels in.
      return [
        {
          document: value['@context'] === undefined ? { '@context': CLR_CONTEXT_URL, ...value } : value,
          path: '$',
        },
      ];
    case 'clrSet': {
      const clrs = Array.isArray(value.clrs) ? value.clrs : [];
      const context = value['@context'] ?? CLR_CONTEXT_URL;
      return clrs.flatMap((clr, index) =>
        isObject(clr)
          ? [
              {
                document: clr['@context'] === undefined ? { '@context': context, ...clr } : clr,
                path: `$.clrs[${index}]`,
              },
            ]
          : [],
      );
    }
    case 'getClr':
    case 'assertion':
    case 'endorsement':
    case 'cryptographicKey':
    case 'revocationList':
    case 'discovery':
      return [{ document: value, path: '$' }];
    case 'imsxStatusInfo':
      return [];
  }
}

function addEvent(result: JsonLdResult, event: JsonLdEvent, target: ExpansionTarget): void {
  const details = event.details ?? {};
  const at = (paths: string[]): string[] => (paths.length > 0 ? paths : [target.path]);
  const add = (paths: string[], reason: string): void => {
    for (const path of at(paths)) result.findings.push({ path, reason, stage: 'json-ld' });
  };
  switch (event.code) {
    case 'invalid property': {
      const property = String(details.property);
      add(
        locateProperty(target.document, property, target.path),
        `'${property}' is not a term of the CLR 1.0 context, so JSON-LD drops it (an extension needs a prefixed name such as 'ext:${property}')`,
      );
      return;
    }
    case 'relative @type reference': {
      const type = String(details.type);
      for (const path of at(locateProperty(target.document, 'type', target.path, type))) {
        if (type === 'id' && /\.recipient\.type$/.test(path)) {
          result.warnings.push({
            path,
            reason:
              "recipient type 'id' is valid CLR 1.0 but not a term of the JSON-LD context; consumers that canonicalize in safe mode reject it (prefer email, studentId, url or telephone)",
            stage: 'json-ld',
          });
        } else {
          result.findings.push({
            path,
            reason: `type '${type}' is not a term of the CLR 1.0 context (a relative @type JSON-LD cannot resolve)`,
            stage: 'json-ld',
          });
        }
      }
      return;
    }
    case 'relative @id reference':
      add(
        locateProperty(target.document, 'id', target.path, String(details.id)),
        'is a relative IRI; JSON-LD cannot resolve it without a base (use an absolute IRI)',
      );
      return;
    case 'object with only @id':
    case 'empty object':
      add([], 'nothing but the id is left after JSON-LD expansion');
      return;
    default:
      add([], `JSON-LD expansion reports '${event.code}'`);
  }
}

function expansionFailure(error: unknown, target: ExpansionTarget): Finding {
  const refused = findRefusedContext(error);
  if (refused) {
    const paths = locateProperty(target.document, '@context', target.path, refused.url);
    return {
      path: paths[0] ?? target.path,
      reason: `@context '${refused.url}' is not a CLR 1.0 context bundled with the publisher (contexts are never fetched)`,
      stage: 'json-ld',
    };
  }
  const details = (error as { details?: { code?: unknown } } | null)?.details;
  const code = typeof details?.code === 'string' ? details.code : 'unknown error';
  return { path: target.path, reason: `JSON-LD expansion failed: ${code}`, stage: 'json-ld' };
}

/** jsonld wraps loader errors (`details.cause`); find ours in the chain. */
function findRefusedContext(error: unknown): RefusedContextError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof RefusedContextError) return current;
    const next = current as { cause?: unknown; details?: { cause?: unknown } };
    current = next.details?.cause ?? next.cause;
  }
  return undefined;
}
