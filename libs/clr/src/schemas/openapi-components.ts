import { parse } from 'yaml';
import { BundledSchemaError, readSchemaFile } from './schema-locator';

/** A schema object as it appears in the OpenAPI document (plain JSON). */
export type SchemaObject = Record<string, unknown>;

/** Path of the CLR 1.0 OpenAPI binding below `schemas/`. */
export const OPENAPI_FILE = ['openapi', 'clr_v1p0_openapi3.yaml'] as const;

let components: Readonly<Record<string, SchemaObject>> | undefined;

/**
 * The `components.schemas` of the bundled CLR 1.0 OpenAPI 3.0 document: the final data model
 * (Jan 2021). Read from the YAML once per process (about 60-80 ms) rather than from a converted
 * copy, so the file copied from the standard stays the only source.
 */
export function openApiComponentSchemas(): Readonly<Record<string, SchemaObject>> {
  if (components === undefined) {
    const document = parse(readSchemaFile(...OPENAPI_FILE)) as {
      components?: { schemas?: Record<string, SchemaObject> };
    };
    const schemas = document.components?.schemas;
    if (!schemas || typeof schemas !== 'object') {
      throw new BundledSchemaError(`${OPENAPI_FILE.join('/')} has no components.schemas`);
    }
    components = schemas;
  }
  return components;
}
