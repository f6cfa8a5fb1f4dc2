import { type Finding } from '@app/clr';

const MAX_LISTED = 20;
const MAX_REASON_LENGTH = 200;

/**
 * The `imsx_description` of a 400 answer: each finding's path and reason, at most 20 of them.
 * Findings name fields and rules, not values, so the text is safe to send back and log.
 */
export function describeFindings(findings: Finding[]): string {
  const listed = findings
    .slice(0, MAX_LISTED)
    .map((finding) => `${finding.path}: ${truncate(finding.reason)}`)
    .join('; ');
  const more = findings.length > MAX_LISTED ? `; and ${findings.length - MAX_LISTED} more` : '';
  const count = `${findings.length} problem${findings.length === 1 ? '' : 's'}`;
  return `The CLR payload is invalid (${count}): ${listed}${more}`;
}

function truncate(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
}
