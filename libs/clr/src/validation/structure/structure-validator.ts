import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { openApiComponentSchemas } from '../../schemas/openapi-components';
import { parseDateTime } from '../date-time';
import { DOCUMENT_SCHEMAS, type DocumentKind } from '../document-kind';
import type { Finding } from '../finding';
import { mapAjvErrors } from './ajv-error-mapper';
import { openApiToJsonSchema } from './openapi-json-schema';

const SCHEMA_ID = 'urn:clr-publisher:clr-v1p0-openapi-components';

let ajv: Ajv04 | undefined;
const validators = new Map<DocumentKind, ValidateFunction>();

/**
 * The single ajv instance, built on first use from the bundled OpenAPI components. The OpenAPI
 * 3.0 schema object follows draft-04 semantics (e.g. boolean `exclusiveMinimum`), hence ajv's
 * draft-04 flavour.
 */
function structureAjv(): Ajv04 {
  if (ajv === undefined) {
    // verbose: errors carry their schema and data, needed to explain anyOf/oneOf failures.
    const instance = new Ajv04({ allErrors: true, verbose: true, strict: true, validateFormats: true });
    addFormats(instance, ['uri', 'date']);
    instance.addFormat('date-time', { type: 'string', validate: (value: string) => !!parseDateTime(value) });
    instance.addFormat('float', { type: 'number', validate: (value: number) => Number.isFinite(value) });
    instance.addSchema(openApiToJsonSchema(openApiComponentSchemas(), SCHEMA_ID));
    ajv = instance;
  }
  return ajv;
}

function validatorFor(kind: DocumentKind): ValidateFunction {
  let validate = validators.get(kind);
  if (validate === undefined) {
    validate = structureAjv().compile({ $ref: `${SCHEMA_ID}#/definitions/${DOCUMENT_SCHEMAS[kind]}` });
    validators.set(kind, validate);
  }
  return validate;
}

/**
 * Checks a document against its OpenAPI component (see {@link DOCUMENT_SCHEMAS}) and, for a
 * postClr payload, that it carries exactly one of `clr` and `signedClr`. A `signedClr` is only
 * checked against the compact JWS pattern here; decoding and verifying it is the verifier's job.
 */
export function validateStructure(kind: DocumentKind, value: unknown): Finding[] {
  const validate = validatorFor(kind);
  const findings = validate(value) ? [] : mapAjvErrors(validate.errors ?? []);
  if (kind === 'postClr') findings.push(...checkPostClrChoice(value));
  return findings;
}

function checkPostClrChoice(value: unknown): Finding[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const payload = value as Record<string, unknown>;
  const hasClr = payload.clr !== undefined;
  const hasSignedClr = payload.signedClr !== undefined;
  if (hasClr && hasSignedClr) {
    return [
      {
        path: '$',
        reason: "a postClr payload carries exactly one of 'clr' and 'signedClr', not both",
        stage: 'structure',
      },
    ];
  }
  if (!hasClr && !hasSignedClr) {
    return [
      {
        path: '$',
        reason: "a postClr payload must carry either 'clr' (an unsigned CLR) or 'signedClr' (a signed one)",
        stage: 'structure',
      },
    ];
  }
  return [];
}

/** Compiles every validator now (e.g. at application start) instead of on first use. */
export function warmUpStructureValidators(): void {
  for (const kind of Object.keys(DOCUMENT_SCHEMAS) as DocumentKind[]) validatorFor(kind);
}
