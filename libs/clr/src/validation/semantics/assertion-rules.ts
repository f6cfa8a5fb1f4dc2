import { appendPath } from '../../json/json-path';
import type { Finding } from '../finding';
import type { ModelNode } from './model-walker';

/**
 * What a revoked assertion may keep. CLR 1.0: "If revoked is true, only revoked and id are
 * required properties, and many issuers strip a hosted assertion down to only those
 * properties". The publisher requires the stripping, so a revoked assertion no longer carries
 * learner data; `type` and `revocationReason` stay, `@context` for a hosted (getAssertion) copy.
 */
export const REVOKED_ASSERTION_PROPERTIES: readonly string[] = [
  '@context',
  'id',
  'type',
  'revoked',
  'revocationReason',
];

/** Properties the model requires unless the assertion is revoked (prose of AssertionDType). */
const REQUIRED_UNLESS_REVOKED = ['achievement', 'issuedOn', 'recipient'] as const;

const finding = (path: string, reason: string): Finding => ({ path, reason, stage: 'semantics' });

/**
 * Revocation state: a revoked assertion carries only {@link REVOKED_ASSERTION_PROPERTIES}; an
 * assertion that is not revoked carries `achievement`, `issuedOn` and `recipient`; and
 * `revocationReason` appears only with `revoked: true` (on assertions, CLRs and endorsements).
 */
export function checkRevocationState(nodes: readonly ModelNode[]): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes) {
    const revoked = node.value.revoked === true;
    if (
      ['Assertion', 'Clr', 'Endorsement'].includes(node.kind) &&
      !revoked &&
      node.value.revocationReason !== undefined
    ) {
      findings.push(
        finding(appendPath(node.path, 'revocationReason'), 'is only allowed when revoked is true'),
      );
    }
    if (node.kind !== 'Assertion') continue;
    if (revoked) {
      for (const [property, value] of Object.entries(node.value)) {
        if (value === undefined || REVOKED_ASSERTION_PROPERTIES.includes(property)) continue;
        findings.push(
          finding(
            appendPath(node.path, property),
            'a revoked assertion carries only id, type, revoked and revocationReason',
          ),
        );
      }
      continue;
    }
    for (const property of REQUIRED_UNLESS_REVOKED) {
      if (node.value[property] === undefined) {
        findings.push(
          finding(appendPath(node.path, property), 'is required unless the assertion is revoked'),
        );
      }
    }
  }
  return findings;
}
