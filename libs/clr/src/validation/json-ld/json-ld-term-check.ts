import * as jsonld from 'jsonld';
import type { DocumentKind } from '../document-kind';
import {
  type ExpansionTarget,
  type JsonLdEvent,
  type JsonLdResult,
  type TargetExpansion,
  expandTarget,
  expansionTargets,
  reportExpansion,
} from './json-ld-validator';
import { offlineDocumentLoader } from './offline-document-loader';

/** The part of a jsonld term definition the check reads (jsonld's own, internal shape). */
interface TermDefinition {
  '@id'?: string | null;
  '@container'?: string[];
  '@type'?: string;
  '@context'?: unknown;
  reverse?: boolean;
  /** jsonld's flag: the term may be used as the prefix of a compact IRI (`clri:dtClr`). */
  _prefix?: boolean;
}

interface ActiveContext {
  mappings: Map<string, TermDefinition | null>;
  '@vocab'?: unknown;
  '@base'?: unknown;
}

interface ProcessContextOptions {
  documentLoader: typeof offlineDocumentLoader;
  base: null;
  eventHandler: (input: { event: JsonLdEvent; next: () => void }) => void;
}

type ProcessContext = (
  active: ActiveContext | null,
  local: unknown,
  options: ProcessContextOptions,
) => Promise<ActiveContext>;

// @types/jsonld leaves processContext out (commented); it is public API of jsonld 9.
const processContext = (jsonld as unknown as { processContext: ProcessContext }).processContext;

/** jsonld's test for an absolute IRI or blank node identifier (lib/url.js). */
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

/**
 * A document (or part) outside the subset the term check mirrors exactly: it is expanded in full
 * instead. Thrown inside the walk, caught per target.
 */
class BeyondTermCheck extends Error {}

/**
 * An active context the walk can use: no `@vocab` or `@base`, and term definitions with nothing
 * but an IRI, an `@set` container and a plain type coercion (the CLR 1.0 and Open Badges 2.0
 * contexts are such). Anything else (scoped contexts, reverse properties, list or map
 * containers, `@json`/`@vocab` coercion) changes how expansion walks values, so it is left to
 * jsonld.
 */
interface SimpleContext {
  mappings: ReadonlyMap<string, TermDefinition | null>;
  /** Key -> its expansion, memoized (bounded): documents repeat a few dozen keys. */
  expandedKeys: Map<string, ExpandedKey>;
}

/** A property name expanded with `vocab: true`, and whether expansion keeps the property. */
interface ExpandedKey {
  iri: string | null;
  kept: boolean;
}

/** Bound on the memo of expanded keys: a hostile document may bring any number of new ones. */
const MAX_MEMOIZED_KEYS = 4096;

const contexts = new Map<string, Promise<SimpleContext | undefined>>();

/**
 * Checks a document's terms against the bundled contexts without expanding it: the fast form of
 * {@link validateJsonLd} for documents this publisher builds, giving the same findings.
 *
 * It walks each expansion target the way jsonld 9's expansion algorithm walks it (keys in sorted
 * order, depth first) and raises the events expansion would raise: a property that is neither a
 * term nor an absolute IRI (`ext:x` and `https://...` are kept, as jsonld keeps them) is
 * dropped; an `id` that stays relative; a `type` that is not a term or absolute IRI; a top-level
 * object left empty or with only its id. Those events go through the same reporting as full
 * expansion, so paths and reasons match. A target outside the subset mirrored exactly (an inline
 * or nested `@context`, `@`-keywords as keys or values, an `id`/`type` of an unexpected JSON
 * type, a context with features beyond plain terms) is expanded in full instead; `expanded`
 * lists where that happened.
 */
export async function checkJsonLdTerms(
  kind: DocumentKind,
  value: unknown,
): Promise<JsonLdResult & { expanded: string[] }> {
  const result = { findings: [], warnings: [], expanded: [] as string[] };
  for (const target of expansionTargets(kind, value)) {
    let expansion = await termCheckTarget(target);
    if (expansion === undefined) {
      result.expanded.push(target.path);
      expansion = await expandTarget(target);
    }
    reportExpansion(result, expansion, target);
  }
  return result;
}

/** The events of one target, or undefined when it needs full expansion. */
export async function termCheckTarget(target: ExpansionTarget): Promise<TargetExpansion | undefined> {
  const context = await simpleContextOf(target.document['@context']);
  if (context === undefined) return undefined;
  let events: JsonLdEvent[] = [];
  try {
    // Keys in document order first: sorting every object costs more than the rest of the walk,
    // and only matters for the order of events, which a clean document does not have.
    walkTopLevel(context, target.document, events, false);
    if (events.length > 0) {
      events = [];
      walkTopLevel(context, target.document, events, true);
    }
  } catch (error) {
    if (error instanceof BeyondTermCheck) return undefined;
    throw error;
  }
  return { events };
}

/** The processed context of a top-level `@context` made of context URLs only; undefined otherwise. */
function simpleContextOf(context: unknown): Promise<SimpleContext | undefined> {
  const urls = typeof context === 'string' ? [context] : Array.isArray(context) ? context : undefined;
  if (urls === undefined || urls.length === 0 || !urls.every((url) => typeof url === 'string')) {
    return Promise.resolve(undefined);
  }
  const key = JSON.stringify(urls);
  let processed = contexts.get(key);
  if (processed === undefined) {
    processed = processSimpleContext(urls).catch(() => undefined);
    contexts.set(key, processed);
  }
  return processed;
}

async function processSimpleContext(urls: string[]): Promise<SimpleContext | undefined> {
  const events: JsonLdEvent[] = [];
  const options: ProcessContextOptions = {
    documentLoader: offlineDocumentLoader,
    base: null,
    eventHandler: ({ event, next }) => {
      events.push(event);
      next();
    },
  };
  const initial = await processContext(null, null, options);
  const active = await processContext(initial, urls, options);
  // Context processing that warns would warn in every full expansion too: leave it to jsonld.
  if (events.length > 0 || '@vocab' in active || '@base' in active) return undefined;
  for (const definition of active.mappings.values()) {
    if (definition === null) continue;
    const container = definition['@container'] ?? [];
    if (
      definition['@context'] !== undefined ||
      definition.reverse === true ||
      !container.every((entry) => entry === '@set') ||
      definition['@type'] === '@json' ||
      definition['@type'] === '@vocab'
    ) {
      return undefined;
    }
  }
  return { mappings: active.mappings, expandedKeys: new Map() };
}

function isKeyword(iri: string): boolean {
  return iri.startsWith('@');
}

function isAbsoluteIri(iri: string): boolean {
  return ABSOLUTE_IRI.test(iri);
}

/**
 * jsonld's IRI expansion (lib/context.js `_expandIri`) for a context without `@vocab`/`@base`
 * and no base IRI, for strings that do not start with `@` (those never reach it).
 */
function expandIri(context: SimpleContext, value: string, vocab: boolean): string | null {
  if (vocab) {
    const mapping = context.mappings.get(value);
    if (mapping === null) return null;
    if (mapping !== undefined && mapping['@id'] !== undefined) return mapping['@id'];
  }
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === '_' || suffix.startsWith('//')) return value;
    const mapping = context.mappings.get(prefix);
    if (mapping?._prefix === true && typeof mapping['@id'] === 'string') return mapping['@id'] + suffix;
  }
  return value;
}

function expandKey(context: SimpleContext, key: string): ExpandedKey {
  let expanded = context.expandedKeys.get(key);
  if (expanded === undefined) {
    const iri = expandIri(context, key, true);
    expanded = { iri, kept: iri !== null && (isAbsoluteIri(iri) || isKeyword(iri)) };
    if (context.expandedKeys.size < MAX_MEMOIZED_KEYS) context.expandedKeys.set(key, expanded);
  }
  return expanded;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document itself: its node, then jsonld's check for a top-level object left empty or with only an id. */
function walkTopLevel(
  context: SimpleContext,
  document: Record<string, unknown>,
  events: JsonLdEvent[],
  sorted: boolean,
): void {
  const kept = walkNode(context, document, true, events, sorted) ?? new Set<string>();
  if (kept.size === 0) {
    events.push({ code: 'empty object', level: 'warning', details: { value: {} } });
  } else if (kept.size === 1 && kept.has('@id')) {
    events.push({ code: 'object with only @id', level: 'warning', details: { value: [...kept] } });
  }
}

/** One node object; returns the expanded properties it keeps when it is the top level. */
function walkNode(
  context: SimpleContext,
  node: Record<string, unknown>,
  topLevel: boolean,
  events: JsonLdEvent[],
  sorted: boolean,
): Set<string> | undefined {
  // Only the top level's count matters (jsonld drops an empty or id-only top-level object).
  const kept = topLevel ? new Set<string>() : undefined;
  const keys = Object.keys(node);
  // jsonld expands keys in sorted order: so are its events.
  if (sorted) keys.sort();
  for (const key of keys) {
    if (key === '@context' && topLevel) continue;
    if (key.startsWith('@')) throw new BeyondTermCheck();
    const value = node[key];
    const { iri: property, kept: keptProperty } = expandKey(context, key);
    if (!keptProperty || property === null) {
      events.push({
        code: 'invalid property',
        level: 'warning',
        details: { property: key, expandedProperty: property },
      });
      continue;
    }
    if (property === '@id') {
      if (typeof value !== 'string' || value.startsWith('@')) throw new BeyondTermCheck();
      const id = expandIri(context, value, false);
      if (id === null || !isAbsoluteIri(id)) {
        events.push({
          code: 'relative @id reference',
          level: 'warning',
          details: { id: value, expandedId: id },
        });
      }
      kept?.add(property);
      continue;
    }
    if (property === '@type') {
      const types = Array.isArray(value) ? (value as unknown[]) : [value];
      if (types.length === 0) throw new BeyondTermCheck();
      for (const type of types) {
        if (typeof type !== 'string' || type.startsWith('@')) throw new BeyondTermCheck();
        const expanded = expandIri(context, type, true);
        if (expanded === null || !isAbsoluteIri(expanded)) {
          events.push({ code: 'relative @type reference', level: 'warning', details: { type } });
        }
      }
      kept?.add(property);
      continue;
    }
    if (isKeyword(property)) throw new BeyondTermCheck();
    if (walkValue(context, key, value, events, sorted)) kept?.add(property);
  }
  return kept;
}

/** A property's value; returns whether expansion keeps the property (everything but null). */
function walkValue(
  context: SimpleContext,
  key: string,
  value: unknown,
  events: JsonLdEvent[],
  sorted: boolean,
): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) walkValue(context, key, item, events, sorted);
    return true;
  }
  if (isPlainObject(value)) {
    walkNode(context, value, false, events, sorted);
    return true;
  }
  // A scalar becomes a value object, or a node reference under `"@type": "@id"` coercion, where
  // jsonld reports only keyword-like strings (which the walk leaves to jsonld).
  if (typeof value === 'string' && value.startsWith('@')) {
    const definition = context.mappings.get(key);
    if (definition?.['@type'] === '@id') throw new BeyondTermCheck();
  }
  return true;
}
