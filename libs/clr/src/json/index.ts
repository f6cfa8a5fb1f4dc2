export * from './document-limits';
export { parseJsonDocument, type ParsedJsonDocument } from './parse-json-document';
export { checkJsonValue } from './json-value-guard';
export { appendPath, toJsonPath, pointerToPath, type PathSegment } from './json-path';
