/**
 * The parts of CASE 1.0 (`case-v1p0-swagger.json`, definitions `CFPackage.Type`, `CFPckgItem.Type`,
 * `CFItem.Type`, `LinkURI.Type`) that an alignment needs. Parsing is tolerant of everything else a
 * package carries (associations, definitions, rubrics) and strict about what it uses.
 */

/** `LinkURI.Type`: a reference to another CASE object. */
export interface CfLinkUri {
  title: string;
  identifier: string;
  uri: string;
}

/** A CFItem as an alignment uses it (`CFPckgItem.Type`, plus `CFDocumentURI` outside a package). */
export interface CfItem {
  identifier: string;
  uri: string;
  fullStatement: string;
  humanCodingScheme?: string;
  abbreviatedStatement?: string;
  notes?: string;
  CFDocumentURI?: CfLinkUri;
}

/** A CFPackage reduced to its document and items. */
export interface CfPackage {
  CFDocument: { identifier: string; uri: string; title: string };
  CFItems: CfItem[];
}

/** Why a JSON value is not a CASE object, with the JSON path of the first problem. */
export class CfParseError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CfParseError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CfParseError(`${path}.${key}`, 'must be a non-empty string');
  }
  return value.trim();
}

function optionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseLinkUri(value: unknown): CfLinkUri | undefined {
  if (!isObject(value)) return undefined;
  const title = optionalString(value, 'title');
  const identifier = optionalString(value, 'identifier');
  const uri = optionalString(value, 'uri');
  // A LinkURI missing one of its required fields is ignored rather than fatal: only its title
  // is used, and only as the framework name.
  if (title === undefined || identifier === undefined || uri === undefined) return undefined;
  return { title, identifier, uri };
}

/** Parses one CFItem (`CFItem.Type` or `CFPckgItem.Type`); throws {@link CfParseError}. */
export function parseCfItem(value: unknown, path = '$'): CfItem {
  if (!isObject(value)) throw new CfParseError(path, 'must be a JSON object (a CFItem)');
  const item: CfItem = {
    identifier: requiredString(value, 'identifier', path),
    uri: requiredString(value, 'uri', path),
    fullStatement: requiredString(value, 'fullStatement', path),
  };
  const humanCodingScheme = optionalString(value, 'humanCodingScheme');
  if (humanCodingScheme !== undefined) item.humanCodingScheme = humanCodingScheme;
  const abbreviatedStatement = optionalString(value, 'abbreviatedStatement');
  if (abbreviatedStatement !== undefined) item.abbreviatedStatement = abbreviatedStatement;
  const notes = optionalString(value, 'notes');
  if (notes !== undefined) item.notes = notes;
  const documentUri = parseLinkUri(value.CFDocumentURI);
  if (documentUri !== undefined) item.CFDocumentURI = documentUri;
  return item;
}

/** Parses a CFPackage (`CFPackage.Type`); throws {@link CfParseError} naming the first problem. */
export function parseCfPackage(value: unknown, path = '$'): CfPackage {
  if (!isObject(value)) throw new CfParseError(path, 'must be a JSON object (a CFPackage)');
  const document = value.CFDocument;
  if (!isObject(document)) throw new CfParseError(`${path}.CFDocument`, 'is required and must be an object');
  const items = value.CFItems ?? [];
  if (!Array.isArray(items)) throw new CfParseError(`${path}.CFItems`, 'must be an array');
  return {
    CFDocument: {
      identifier: requiredString(document, 'identifier', `${path}.CFDocument`),
      uri: requiredString(document, 'uri', `${path}.CFDocument`),
      title: requiredString(document, 'title', `${path}.CFDocument`),
    },
    CFItems: items.map((item, index) => parseCfItem(item, `${path}.CFItems[${index}]`)),
  };
}
