import { validateDocument } from '../validation';
import type { DocumentValidator } from './verification-report';

/**
 * Step 2 of the verification by default: this library's full validator (input limits,
 * structure, JSON-LD, semantics). Pass `(kind, value) => validateDocument(kind, value,
 * { jsonLd: false })` as `validate` to skip the slow JSON-LD stage.
 */
export const defaultDocumentValidator: DocumentValidator = (kind, value) => validateDocument(kind, value);
