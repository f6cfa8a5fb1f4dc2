import type { CheckResult } from './document.checker';
import { formatJsonReport, formatTextReport } from './verify-report.formatter';

const result = (overrides: Partial<CheckResult>): CheckResult => ({
  kind: 'postClr',
  valid: true,
  findings: [],
  warnings: [],
  signatures: 0,
  ...overrides,
});

describe('verify report', () => {
  it('prints findings, then warnings, then the verdict', () => {
    const text = formatTextReport(
      result({
        valid: false,
        findings: [
          { path: '$.clr.id', stage: 'structure', reason: 'is required but missing' },
          { path: '$.signedClr', stage: 'signature', reason: 'the signature does not verify' },
        ],
        warnings: [{ path: '$.clr', stage: 'json-ld', reason: 'a remark' }],
        signatures: 3,
      }),
    );
    expect(text).toBe(
      '$.clr.id: is required but missing\n' +
        '$.signedClr: the signature does not verify\n' +
        'warning: $.clr: a remark\n' +
        'INVALID postClr payload: 2 findings, 3 signed objects checked, 1 warning\n',
    );
    expect(formatTextReport(result({ kind: 'jws', jwsKind: 'assertion', signatures: 1 }))).toBe(
      'VALID compact JWS (Assertion): 1 signed object checked\n',
    );
  });

  it('neutralises control characters a document could smuggle into a path or reason', () => {
    const text = formatTextReport(
      result({
        valid: false,
        findings: [
          { path: "$['a\u001b[2Jb']", stage: 'json-ld', reason: 'key https://x/\nVALID \u202eevil' },
        ],
      }),
    );
    expect(text).toBe(
      "$['a\uFFFD[2Jb']: key https://x/\uFFFDVALID \uFFFDevil\nINVALID postClr payload: 1 finding\n",
    );
  });

  it('prints JSON with every finding and its stage', () => {
    const json = JSON.parse(
      formatJsonReport(
        result({ valid: false, findings: [{ path: '$', stage: 'input', reason: 'the input is empty' }] }),
      ),
    );
    expect(json).toEqual({
      valid: false,
      kind: 'postClr',
      signatures: 0,
      findings: [{ path: '$', stage: 'input', reason: 'the input is empty' }],
      warnings: [],
    });
  });
});
