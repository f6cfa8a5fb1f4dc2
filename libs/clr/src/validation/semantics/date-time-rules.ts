import { appendPath } from '../../json/json-path';
import { parseDateTime } from '../date-time';
import type { Finding } from '../finding';
import { dateTimeProperties, type ModelNode } from './model-walker';

/**
 * Every DateTime of the model (`issuedOn`, `activityStartDate`, `expires` ...) carries a zone
 * (`Z` or `±hh:mm`): without one the instant is ambiguous by up to a day. Malformed values are
 * left to the structure stage.
 */
export function checkDateTimeZones(nodes: readonly ModelNode[]): Finding[] {
  const findings: Finding[] = [];
  for (const node of nodes) {
    for (const property of dateTimeProperties(node.dtype)) {
      const value = node.value[property];
      if (typeof value === 'string' && parseDateTime(value)?.hasZone === false) {
        findings.push({
          path: appendPath(node.path, property),
          reason: 'a date-time must carry a time zone (Z or ±hh:mm)',
          stage: 'semantics',
        });
      }
    }
  }
  return findings;
}
