import { classifyResponse } from './post-clr.client';

function response(status: number, body = '', headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers), body: Buffer.from(body), truncated: false };
}

describe('classifyResponse', () => {
  it('takes 304 as delivered not_modified and other 2xx as accepted', () => {
    expect(classifyResponse(response(304), false)).toEqual({
      kind: 'delivered',
      status: 304,
      result: 'not_modified',
      tokenRefreshed: false,
    });
    expect(classifyResponse(response(202), true)).toMatchObject({
      kind: 'delivered',
      result: 'accepted',
      tokenRefreshed: true,
    });
  });

  it('rejects a redirect (a bearer token is never sent on to another URL)', () => {
    expect(
      classifyResponse(response(302, '', { Location: 'https://elsewhere.example/' }), false),
    ).toMatchObject({
      kind: 'rejected',
      reason: 'unexpected_status',
      status: 302,
      error: 'HTTP 302 from provider',
    });
  });

  it('treats 408 and 425 as retryable server_error', () => {
    expect(classifyResponse(response(408), false)).toMatchObject({
      kind: 'retryable',
      reason: 'server_error',
    });
    expect(classifyResponse(response(425), false)).toMatchObject({
      kind: 'retryable',
      reason: 'server_error',
    });
  });

  it('summarises a non-imsx error body by its shape, never its text', () => {
    const outcome = classifyResponse(response(400, '<html>Ada Example is not allowed</html>'), false);
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'invalid_data' });
    expect(outcome.kind === 'rejected' && outcome.error).toBe(
      'HTTP 400 from provider (non-imsx body (text, 39 chars))',
    );
  });

  it('keeps only the imsx_StatusInfo fields of an error body, clipped, never what else the provider echoed', () => {
    const body = {
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
      imsx_description: `refused: ${'x'.repeat(2000)}`,
      imsx_codeMinor: {
        imsx_codeMinorField: [
          { imsx_codeMinorFieldName: 'clr', imsx_codeMinorFieldValue: 'invalid_data' },
          { imsx_codeMinorFieldName: 42 },
        ],
      },
      clr: { learner: { name: 'Ada Example', email: 'ada@example.edu' } },
    };
    const outcome = classifyResponse(response(400, JSON.stringify(body)), false);
    const kept = JSON.parse(outcome.kind === 'rejected' ? outcome.imsxBody! : '{}') as Record<
      string,
      unknown
    >;
    expect(Object.keys(kept).sort()).toEqual([
      '@context',
      'imsx_codeMajor',
      'imsx_codeMinor',
      'imsx_description',
      'imsx_severity',
    ]);
    expect((kept['imsx_description'] as string).length).toBe(1000);
    expect(kept['imsx_codeMinor']).toEqual({
      imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'clr', imsx_codeMinorFieldValue: 'invalid_data' }],
    });
    expect(JSON.stringify(kept)).not.toContain('Ada');
    // A JSON error body with no imsx field keeps nothing.
    const other = classifyResponse(response(400, JSON.stringify({ error: 'Ada Example' })), false);
    expect(other.kind === 'rejected' && other.imsxBody).toBeUndefined();
  });
});
