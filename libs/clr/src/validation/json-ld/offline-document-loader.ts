import { loadBundledContext } from '../../schemas/bundled-contexts';

/** A JSON-LD remote document, as jsonld's document loaders return it. */
export interface LoadedDocument {
  contextUrl: string | undefined;
  documentUrl: string;
  document: unknown;
}

/** Thrown by {@link offlineDocumentLoader} for every URL that is not a bundled context. */
export class RefusedContextError extends Error {
  constructor(readonly url: string) {
    super(`JSON-LD context ${url} is not bundled with the publisher and is never fetched`);
    this.name = 'RefusedContextError';
  }
}

/**
 * A jsonld document loader that never touches the network: it serves the CLR 1.0 and Open
 * Badges 2.0 contexts from `schemas/context/` and refuses every other URL. Pass it to every
 * jsonld call (expand, canonize ...) so a document cannot make the process fetch anything.
 */
export function offlineDocumentLoader(url: string): Promise<LoadedDocument> {
  const document = loadBundledContext(url);
  if (document === undefined) return Promise.reject(new RefusedContextError(url));
  return Promise.resolve({ contextUrl: undefined, documentUrl: url, document });
}
