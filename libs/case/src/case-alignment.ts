import { type Alignment } from '@app/clr';
import { type CfItem } from './cf-package';

/** Longest text copied from a CASE statement into an alignment (characters). */
export const MAX_ALIGNMENT_TEXT = 2000;

function bounded(text: string): string {
  const chars = Array.from(text);
  return chars.length <= MAX_ALIGNMENT_TEXT ? text : `${chars.slice(0, MAX_ALIGNMENT_TEXT - 1).join('')}…`;
}

/**
 * The CLR alignment for a CFItem: `targetUrl` is the URI the SIS refers to (the item's `uri`),
 * `targetCode` its `humanCodingScheme`, `targetName` its `fullStatement`, `targetFramework` the
 * CFDocument title and `targetDescription` its `notes` when it has any.
 */
export function alignmentForItem(uri: string, item: CfItem, frameworkTitle: string | undefined): Alignment {
  const alignment: Alignment = {
    type: 'Alignment',
    targetType: 'CFItem',
    targetUrl: uri,
    targetName: bounded(item.fullStatement),
  };
  if (item.humanCodingScheme !== undefined) alignment.targetCode = bounded(item.humanCodingScheme);
  const framework = frameworkTitle ?? item.CFDocumentURI?.title;
  if (framework !== undefined) alignment.targetFramework = bounded(framework);
  if (item.notes !== undefined) alignment.targetDescription = bounded(item.notes);
  return alignment;
}

/** The alignment kept when the item cannot be resolved: the URI and the competency's own name. */
export function fallbackAlignment(uri: string, name: string | undefined): Alignment {
  const targetName = name !== undefined && name.trim() !== '' ? name.trim() : uri;
  return { type: 'Alignment', targetType: 'CFItem', targetUrl: uri, targetName: bounded(targetName) };
}

/** True for an absolute URL (the only thing `Alignment.targetUrl` may hold). */
export function isAbsoluteUri(uri: string): boolean {
  if (uri.trim() !== uri || uri === '' || /\s/.test(uri)) return false;
  try {
    const parsed = new URL(uri);
    return parsed.protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * The CASE identifier of an item URI: its last non-empty path segment (CASE URIs end in
 * `/CFItems/{identifier}`), or undefined when there is none.
 */
export function identifierFromUri(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return undefined;
  }
  // urn:uuid:{identifier} carries the identifier after the last colon.
  if (parsed.protocol === 'urn:') return parsed.pathname.split(':').at(-1) || undefined;
  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  const last = segments.at(-1);
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}
