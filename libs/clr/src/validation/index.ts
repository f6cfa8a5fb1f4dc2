export * from './finding';
export * from './document-kind';
export * from './date-time';
export {
  validateDocument,
  validateClr,
  validatePostClrPayload,
  type ValidateOptions,
} from './validate-document';
export {
  offlineDocumentLoader,
  RefusedContextError,
  type LoadedDocument,
} from './json-ld/offline-document-loader';
export { warmUpStructureValidators } from './structure/structure-validator';
export { REVOKED_ASSERTION_PROPERTIES } from './semantics/assertion-rules';
export { checkJsonLdTerms } from './json-ld/json-ld-term-check';
