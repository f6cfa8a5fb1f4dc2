import { appendPath } from '../../json/json-path';
import type { Finding } from '../finding';
import { isAbsoluteIri } from './iri';
import { compatibleObjects, sameJson } from './json-equality';
import type { ModelNode } from './model-walker';

/** Properties (besides `id`) that hold a reference to another object and must be absolute IRIs. */
const REFERENCE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  CryptographicKey: ['owner'],
  RevocationList: ['issuer', 'revokedAssertions'],
};

/**
 * Identifiers: every `id` (and the references above) is an absolute IRI, and one id names one
 * thing. The same id may appear more than once only for the same kind of object and with the
 * same content: an Achievement's copies MUST match exactly (CLR 1.0 Clr.achievements); a Profile
 * may be embedded with more or fewer properties (publisher vs. issuer) as long as no property
 * has two different values, which is how JSON-LD merges node descriptions. An EndorsementClaim's
 * id refers to the endorsed object, so it is only checked for being absolute.
 */
export function checkIds(nodes: readonly ModelNode[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, { first: ModelNode; merged: Record<string, unknown> }>();
  const finding = (path: string, reason: string): Finding => ({ path, reason, stage: 'semantics' });

  for (const node of nodes) {
    const id = node.value.id;
    for (const property of REFERENCE_PROPERTIES[node.kind] ?? []) {
      const reference = node.value[property];
      const values = Array.isArray(reference) ? reference : [reference];
      values.forEach((item, index) => {
        if (typeof item !== 'string' || isAbsoluteIri(item)) return;
        const at = Array.isArray(reference)
          ? appendPath(appendPath(node.path, property), index)
          : appendPath(node.path, property);
        findings.push(
          finding(at, 'must be an absolute IRI (a scheme such as https: or urn:), not a relative reference'),
        );
      });
    }
    if (typeof id !== 'string') continue;
    const idPath = appendPath(node.path, 'id');
    if (!isAbsoluteIri(id)) {
      findings.push(
        finding(
          idPath,
          'must be an absolute IRI (a scheme such as https: or urn:), not a relative reference',
        ),
      );
      continue;
    }
    if (node.kind === 'EndorsementClaim') continue;
    const earlier = seen.get(id);
    if (earlier === undefined) {
      seen.set(id, { first: node, merged: { ...node.value } });
      continue;
    }
    const { first, merged } = earlier;
    if (first.kind !== node.kind) {
      findings.push(
        finding(
          idPath,
          `the same id already names the ${first.kind} at ${first.path}; an id names one thing`,
        ),
      );
    } else if (node.kind === 'Achievement') {
      if (!sameJson(first.value, node.value)) {
        findings.push(
          finding(
            idPath,
            `this Achievement id appears at ${first.path} with different content; copies MUST match exactly`,
          ),
        );
      }
    } else if (node.kind === 'Profile') {
      if (compatibleObjects(node.value, merged)) {
        for (const [key, value] of Object.entries(node.value)) if (value !== undefined) merged[key] = value;
      } else {
        findings.push(
          finding(idPath, `this Profile id appears at ${first.path} with conflicting property values`),
        );
      }
    } else if (!sameJson(first.value, node.value)) {
      findings.push(finding(idPath, `the same id already names a different ${node.kind} at ${first.path}`));
    }
  }
  return findings;
}
