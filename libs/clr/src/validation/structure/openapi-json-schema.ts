import type { SchemaObject } from '../../schemas/openapi-components';

const COMPONENT_REF = '#/components/schemas/';

/** OpenAPI 3.0 schema keywords that JSON Schema (and ajv's strict mode) does not know. */
const OPENAPI_ONLY_KEYWORDS = new Set([
  'example',
  'xml',
  'externalDocs',
  'discriminator',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/**
 * Turns the OpenAPI 3.0 `components.schemas` into one draft-04 JSON Schema document whose
 * `definitions` are the components: `#/components/schemas/X` references become
 * `#/definitions/X`, `nullable: true` becomes a `null` type, OpenAPI-only keywords are dropped,
 * and each component gets its name (without `DType`) as `title` for readable findings.
 * `format: float` stays and is registered as a format on the validator.
 */
export function openApiToJsonSchema(
  components: Readonly<Record<string, SchemaObject>>,
  id: string,
): SchemaObject {
  const definitions: Record<string, SchemaObject> = {};
  for (const [name, schema] of Object.entries(components)) {
    definitions[name] = { title: name.replace(/DType$/, ''), ...(convert(schema) as SchemaObject) };
  }
  return { id, definitions };
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const source = node as SchemaObject;
  const result: SchemaObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key) || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)) {
      result.$ref = `#/definitions/${value.slice(COMPONENT_REF.length)}`;
    } else if (key === 'properties' && value !== null && typeof value === 'object') {
      // Property names are data, not keywords: convert the schemas, keep every name.
      result.properties = Object.fromEntries(
        Object.entries(value as SchemaObject).map(([name, schema]) => [name, convert(schema)]),
      );
    } else {
      result[key] = convert(value);
    }
  }
  if (source.nullable === true) {
    if (typeof result.type === 'string') result.type = [result.type, 'null'];
    if (Array.isArray(result.enum) && !result.enum.includes(null))
      result.enum = [...(result.enum as unknown[]), null];
    if (result.$ref !== undefined) return { anyOf: [{ $ref: result.$ref }, { type: 'null' }] };
  }
  return result;
}
