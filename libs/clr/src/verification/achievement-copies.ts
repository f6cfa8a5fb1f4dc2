import type { Finding } from '../validation/finding';
import { sameJson } from '../validation/semantics/json-equality';
import { isObject } from '../validation/semantics/model-walker';
import { decodeCompactJws } from './compact-jws.decoder';

/**
 * An achievement both listed in a Clr's `achievements` and asserted in one of its signed
 * assertions must be the same in both places ("copies MUST match exactly", CLR 1.0). The
 * validator compares copies within one document; a signed assertion is a document of its own,
 * so this compares across them. `path` is the Clr's; `maxJwsLength` as for decoding.
 */
export function achievementCopyFindings(
  clr: Record<string, unknown>,
  path: string,
  maxJwsLength?: number,
): Finding[] {
  const listed = new Map<string, number>();
  const achievements = Array.isArray(clr.achievements) ? clr.achievements : [];
  achievements.forEach((achievement, index) => {
    if (isObject(achievement) && typeof achievement.id === 'string' && !listed.has(achievement.id))
      listed.set(achievement.id, index);
  });
  if (listed.size === 0 || !Array.isArray(clr.signedAssertions)) return [];
  const findings: Finding[] = [];
  clr.signedAssertions.forEach((jws, index) => {
    const decoded = decodeCompactJws(jws, maxJwsLength);
    if (!decoded.ok) return; // reported where the assertion itself is verified
    const achievement = decoded.jws.payload.achievement;
    if (!isObject(achievement) || typeof achievement.id !== 'string') return;
    const at = listed.get(achievement.id);
    if (at === undefined || sameJson(achievement, achievements[at])) return;
    findings.push({
      path: `${path}.signedAssertions[${index}].achievement`,
      stage: 'semantics',
      reason: `this Achievement id is listed at ${path}.achievements[${at}] with different content; copies MUST match exactly`,
    });
  });
  return findings;
}
