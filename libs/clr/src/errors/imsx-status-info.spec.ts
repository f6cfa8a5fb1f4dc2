import { CLR_CONTEXT_URL } from '../model';
import { buildImsxStatusInfo, parseImsxStatusInfo } from './imsx-status-info';

describe('buildImsxStatusInfo', () => {
  it('builds a body with @context, the required codes and one code minor field', () => {
    expect(
      buildImsxStatusInfo({
        codeMajor: 'failure',
        severity: 'error',
        description: 'The CLR failed validation',
        codeMinor: 'invalid_data',
      }),
    ).toEqual({
      '@context': CLR_CONTEXT_URL,
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: 'The CLR failed validation',
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldName: 'clr-publisher', imsx_codeMinorFieldValue: 'invalid_data' },
        ],
      },
    });
  });

  it('omits the optional parts when not given', () => {
    expect(buildImsxStatusInfo({ codeMajor: 'success', severity: 'status' })).toEqual({
      '@context': CLR_CONTEXT_URL,
      imsx_codeMajor: 'success',
      imsx_severity: 'status',
    });
  });

  it('keeps a given list of code minor fields', () => {
    const info = buildImsxStatusInfo({
      codeMajor: 'failure',
      severity: 'error',
      codeMinor: [{ imsx_codeMinorFieldName: 'limit', imsx_codeMinorFieldValue: 'invalid_query_parameter' }],
    });
    expect(info.imsx_codeMinor?.imsx_codeMinorField).toEqual([
      { imsx_codeMinorFieldName: 'limit', imsx_codeMinorFieldValue: 'invalid_query_parameter' },
    ]);
  });

  it('round-trips through the parser', () => {
    const body = buildImsxStatusInfo({ codeMajor: 'failure', severity: 'error', codeMinor: 'forbidden' });
    expect(parseImsxStatusInfo(JSON.stringify(body))).toMatchObject({
      conforming: true,
      codeMajor: 'failure',
      severity: 'error',
      codeMinors: [{ fieldName: 'clr-publisher', value: 'forbidden', known: true }],
      summary: 'failure/error [forbidden]',
    });
  });
});

describe('parseImsxStatusInfo', () => {
  it('reads a conforming body given as an object', () => {
    const parsed = parseImsxStatusInfo({
      '@context': CLR_CONTEXT_URL,
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: 'bad',
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: 'invalid_data' },
        ],
      },
    });
    expect(parsed).toEqual({
      conforming: true,
      codeMajor: 'failure',
      severity: 'error',
      description: 'bad',
      codeMinors: [{ fieldName: 'TargetEndSystem', value: 'invalid_data', known: true }],
      summary: 'failure/error [invalid_data]',
    });
  });

  it('tolerates a missing @context, other letter case, a single field object and a wrapper', () => {
    const parsed = parseImsxStatusInfo(
      Buffer.from(
        JSON.stringify({
          imsx_StatusInfo: {
            IMSX_CODEMAJOR: 'Failure',
            imsx_severity: 'ERROR',
            imsx_codeMinor: { imsx_codeMinorField: { imsx_codeMinorFieldValue: 'server_busy' } },
          },
        }),
      ),
    );
    expect(parsed).toMatchObject({
      conforming: true,
      codeMajor: 'failure',
      severity: 'error',
      codeMinors: [{ value: 'server_busy', known: true }],
    });
  });

  it('keeps an unknown code minor value but marks it unknown and keeps free text out of the summary', () => {
    const parsed = parseImsxStatusInfo({
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldValue: 'unknownobject' },
          { imsx_codeMinorFieldValue: 'student Jane Doe was not found' },
        ],
      },
    });
    expect(parsed.codeMinors).toEqual([
      { value: 'unknownobject', known: false },
      { value: 'student Jane Doe was not found', known: false },
    ]);
    expect(parsed.summary).toBe('failure/error [unknownobject, unrecognised]');
  });

  it('says non-conforming when required codes are missing or unknown', () => {
    const parsed = parseImsxStatusInfo({ imsx_codeMajor: 'kaput', imsx_description: 'x' });
    expect(parsed.conforming).toBe(false);
    expect(parsed.codeMajor).toBeUndefined();
    expect(parsed.summary).toBe('non-conforming imsx body (codeMajor missing, severity missing)');
    expect(parsed.description).toBe('x');
  });

  it('cleans and truncates the description', () => {
    const parsed = parseImsxStatusInfo({
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: `line1\n\u0007line2 ${'y'.repeat(1000)}`,
    });
    expect(parsed.description?.startsWith('line1 line2 ')).toBe(true);
    expect(parsed.description).toHaveLength(501);
  });

  it.each([
    [undefined, 'empty body'],
    ['', 'empty body'],
    ['<html>502 Bad Gateway</html>', 'non-imsx body (text, 28 chars)'],
    ['{"imsx_codeMajor": ', 'non-imsx body (invalid JSON, 18 chars)'],
    [[1, 2], 'non-imsx body (array)'],
    [42, 'non-imsx body (number)'],
  ])('gives a fallback summary for %p', (body, summary) => {
    expect(parseImsxStatusInfo(body)).toEqual({ conforming: false, codeMinors: [], summary });
  });

  it('does not try to parse a huge text body', () => {
    const parsed = parseImsxStatusInfo(`{${' '.repeat(2_000_000)}}`);
    expect(parsed.summary).toBe('non-imsx body (text, 2000002 chars)');
  });
});
