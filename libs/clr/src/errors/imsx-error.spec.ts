import { CLR_CONTEXT_URL, IMSX_CODE_MINOR_VALUES } from '../model';
import {
  httpStatusForImsxCodeMinor,
  ImsxError,
  imsxCodeMinorForHttpStatus,
  isRetryableHttpStatus,
} from './imsx-error';

describe('HTTP status mapping', () => {
  it.each([
    [200, 'fullsuccess'],
    [201, 'fullsuccess'],
    [304, 'not_modified'],
    [400, 'invalid_data'],
    [401, 'unauthorizedrequest'],
    [403, 'forbidden'],
    [404, 'unknown'],
    [405, 'not_allowed'],
    [406, 'not_acceptable'],
    [421, 'misdirected_request'],
    [429, 'server_busy'],
    [500, 'internal_server_error'],
    [503, 'server_busy'],
    [418, 'unknown'],
  ])('maps HTTP %i to %s', (status, minor) => {
    expect(imsxCodeMinorForHttpStatus(status)).toBe(minor);
  });

  it('maps every code minor value back to a status that maps to it again', () => {
    for (const minor of IMSX_CODE_MINOR_VALUES) {
      const status = httpStatusForImsxCodeMinor(minor);
      const back = imsxCodeMinorForHttpStatus(status);
      // invalid_query_parameter shares 400 with invalid_data.
      expect(minor === 'invalid_query_parameter' ? 'invalid_data' : minor).toBe(back);
    }
  });

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [501, false],
    [400, false],
    [401, false],
    [304, false],
    [404, false],
  ])('HTTP %i retryable: %s', (status, retryable) => {
    expect(isRetryableHttpStatus(status)).toBe(retryable);
  });
});

describe('ImsxError', () => {
  it('takes the code minor from a provider body when it is a known value', () => {
    const error = ImsxError.fromResponse(400, {
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: 'schema error',
      imsx_codeMinor: {
        imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'x', imsx_codeMinorFieldValue: 'forbidden' }],
      },
    });
    expect(error).toMatchObject({ httpStatus: 400, codeMinor: 'forbidden', description: 'schema error' });
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('HTTP 400: failure/error [forbidden]');
  });

  it('falls back to the HTTP status for a body that is not imsx', () => {
    const error = ImsxError.fromResponse(503, '<html>busy</html>');
    expect(error).toMatchObject({ codeMajor: 'failure', severity: 'error', codeMinor: 'server_busy' });
    expect(error.providerStatus?.conforming).toBe(false);
    expect(error.retryable).toBe(true);
  });

  it('keeps provider free text out of the message', () => {
    const error = ImsxError.fromResponse(404, {
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: 'Jane Doe',
    });
    expect(error.message).not.toContain('Jane');
    expect(error.description).toBe('Jane Doe');
  });

  it('builds our own status info body', () => {
    expect(ImsxError.of('not_acceptable', 'Accept must include application/ld+json').toStatusInfo()).toEqual({
      '@context': CLR_CONTEXT_URL,
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: 'Accept must include application/ld+json',
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldName: 'clr-publisher', imsx_codeMinorFieldValue: 'not_acceptable' },
        ],
      },
    });
    expect(ImsxError.of('not_acceptable').httpStatus).toBe(406);
  });
});
