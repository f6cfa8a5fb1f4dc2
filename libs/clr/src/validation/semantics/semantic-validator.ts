import { DOCUMENT_SCHEMAS, type DocumentKind } from '../document-kind';
import type { Finding } from '../finding';
import { checkRevocationState } from './assertion-rules';
import { checkDateTimeZones } from './date-time-rules';
import { checkIds } from './id-rules';
import { walkModel, type ModelNode } from './model-walker';
import { checkRecipients, learnerOf } from './recipient-rules';
import { checkAssociations, checkResults } from './reference-rules';

/**
 * The rules a schema cannot express. Each CLR in the document (the `clr` of a postClr payload,
 * each of a ClrSet's `clrs`, or the document itself) is one scope: ids are unique, associations
 * resolve and recipients match the learner within it. Objects outside any CLR (a lone assertion,
 * a key, a revocation list) get the rules that need no CLR.
 */
export function validateSemantics(kind: DocumentKind, value: unknown): Finding[] {
  const nodes = walkModel(value, DOCUMENT_SCHEMAS[kind]);
  const clrs = nodes.filter((node) => node.kind === 'Clr');
  const outside = nodes.filter((node) => !clrs.some((clr) => isWithin(node, clr)));
  const findings: Finding[] = [
    ...checkIds(outside),
    ...checkDateTimeZones(outside),
    ...checkRevocationState(outside),
    ...checkResults(outside),
    ...checkRecipients(outside, undefined),
  ];
  for (const clr of clrs) {
    const scope = nodes.filter((node) => isWithin(node, clr));
    findings.push(
      ...checkIds(scope),
      ...checkDateTimeZones(scope),
      ...checkRevocationState(scope),
      ...checkResults(scope),
      ...checkAssociations(scope),
      ...checkRecipients(scope, learnerOf(clr)),
    );
  }
  return findings;
}

function isWithin(node: ModelNode, ancestor: ModelNode): boolean {
  for (let current: ModelNode | undefined = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}
