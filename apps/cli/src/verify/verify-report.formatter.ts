import type { Finding } from '@app/clr';
import type { CheckResult } from './document.checker';
import { KIND_LABELS } from './document-kind.detector';

/**
 * The human report: one line per finding (`path: reason`), warnings prefixed `warning:`, then
 * the verdict. Control characters are replaced: a path or reason can carry a property name or
 * URL taken from the document, which must not drive the terminal.
 */
export function formatTextReport(result: CheckResult): string {
  const lines = [
    ...result.findings.map((finding) => line(finding)),
    ...result.warnings.map((warning) => `warning: ${line(warning)}`),
    verdict(result),
  ];
  return `${lines.join('\n')}\n`;
}

/** The machine report (`--json`): the verdict and every finding with its stage. */
export function formatJsonReport(result: CheckResult): string {
  return `${JSON.stringify(
    {
      valid: result.valid,
      kind: result.kind,
      ...(result.jwsKind !== undefined ? { jwsKind: result.jwsKind } : {}),
      signatures: result.signatures,
      findings: result.findings.map(plain),
      warnings: result.warnings.map(plain),
    },
    null,
    2,
  )}\n`;
}

/** `VALID postClr payload: 4 signed objects verified, 1 warning` / `INVALID Clr: 2 findings`. */
export function verdict(result: CheckResult): string {
  const what = result.kind === 'jws' ? `compact JWS (${jwsLabel(result)})` : KIND_LABELS[result.kind];
  const parts: string[] = [];
  if (!result.valid) parts.push(count(result.findings.length, 'finding'));
  if (result.signatures > 0) parts.push(`${count(result.signatures, 'signed object')} checked`);
  if (result.warnings.length > 0) parts.push(count(result.warnings.length, 'warning'));
  return `${result.valid ? 'VALID' : 'INVALID'} ${what}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function jwsLabel(result: CheckResult): string {
  switch (result.jwsKind) {
    case 'assertion':
      return 'Assertion';
    case 'endorsement':
      return 'Endorsement';
    case 'clr':
    case undefined:
      return 'Clr';
  }
}

function line(finding: Finding): string {
  return `${printable(finding.path)}: ${printable(finding.reason)}`;
}

function plain(finding: Finding): Finding {
  return { path: finding.path, stage: finding.stage, reason: finding.reason };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// C0, DEL and C1 controls, and the bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\uFFFD');
}
