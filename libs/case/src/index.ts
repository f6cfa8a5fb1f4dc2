export * from './case-warning';
export * from './cf-package';
export * from './cf-package.loader';
export {
  alignmentForItem,
  fallbackAlignment,
  identifierFromUri,
  isAbsoluteUri,
  MAX_ALIGNMENT_TEXT,
} from './case-alignment';
export { type FetchLike } from './case-http.client';
export * from './case-resolver';
export * from './case.module';
export * from './case-config';
