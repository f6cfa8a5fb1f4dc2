import { appendPath } from '../../json/json-path';
import { identityMatches, isIdentityHash } from '../../identity/identity-hash';
import { RECIPIENT_IDENTITY_TYPES } from '../../model/enums';
import type { Identity } from '../../model/clr-model';
import type { Finding } from '../finding';
import { isObject, type ModelNode } from './model-walker';

const finding = (path: string, reason: string): Finding => ({ path, reason, stage: 'semantics' });

/**
 * Recipients: `type` names a learner Profile property, a hashed `identity` has the form
 * `sha256$<hex>` (or `md5$<hex>`), and, inside a CLR, the identity matches that property of the
 * CLR's `learner` (see identityMatches). Revoked assertions carry no recipient and are skipped.
 *
 * @param learner the CLR's learner Profile, or undefined for a lone assertion
 */
export function checkRecipients(
  nodes: readonly ModelNode[],
  learner: Record<string, unknown> | undefined,
): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes) {
    if (node.kind !== 'Identity' || node.parent?.kind !== 'Assertion' || node.parent.value.revoked === true)
      continue;
    const { type, identity, hashed } = node.value;
    if (typeof type !== 'string' || typeof identity !== 'string' || typeof hashed !== 'boolean') continue;
    const typePath = appendPath(node.path, 'type');
    const identityPath = appendPath(node.path, 'identity');
    if (!(RECIPIENT_IDENTITY_TYPES as readonly string[]).includes(type)) {
      findings.push(
        finding(
          typePath,
          `must name a learner Profile property: one of ${RECIPIENT_IDENTITY_TYPES.join(', ')}`,
        ),
      );
      continue;
    }
    if (hashed && !isIdentityHash(identity)) {
      findings.push(
        finding(
          identityPath,
          'a hashed identity must have the form sha256$<64 hex digits> (or md5$<32 hex digits>)',
        ),
      );
      continue;
    }
    if (!learner) continue;
    const expected = learner[type];
    if (typeof expected !== 'string') {
      findings.push(finding(typePath, `the learner Profile has no ${type} to match the recipient against`));
    } else if (!identityMatches(node.value as unknown as Identity, expected)) {
      findings.push(
        finding(
          identityPath,
          hashed
            ? `the hash does not match the learner Profile's ${type} with the given salt`
            : `does not match the learner Profile's ${type}`,
        ),
      );
    }
  }
  return findings;
}

/** The learner Profile of a Clr node, when it is an object. */
export function learnerOf(clr: ModelNode): Record<string, unknown> | undefined {
  return isObject(clr.value.learner) ? clr.value.learner : undefined;
}
