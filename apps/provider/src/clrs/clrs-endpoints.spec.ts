import { CLR_SCOPES } from '@app/clr';
import {
  codeMinorOf,
  fetchToken,
  postClrRaw,
  READER,
  readFixture,
  startTestProvider,
  validPayload,
} from '../provider.test-kit';
import { type RunningStandInProvider } from '../start-stand-in-provider';

let provider: RunningStandInProvider;
let token: string;

beforeAll(async () => {
  provider = await startTestProvider({ maxBodyBytes: 256 * 1024 });
  token = await fetchToken(provider);
});
afterAll(() => provider.close());
beforeEach(() => provider.state.reset());

async function imsx(response: Response): Promise<{ codeMinor?: string; description: string; body: unknown }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
  const body = (await response.json()) as {
    imsx_codeMajor: string;
    imsx_severity: string;
    imsx_description: string;
  };
  expect(body).toEqual(
    expect.objectContaining({
      '@context': 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld',
      imsx_codeMajor: 'failure',
      imsx_severity: 'error',
    }),
  );
  return { codeMinor: codeMinorOf(body), description: body.imsx_description, body };
}

describe('postClr', () => {
  it('creates (201, Location, payload echoed) and then replaces (200) the CLR with the same id', async () => {
    const payload = validPayload('create-replace');
    const created = await postClrRaw(provider, token, payload);
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(created.headers.get('location')).toBe(
      `${provider.endpoints.clrsUrl}/${encodeURIComponent(payload.clr.id)}`,
    );
    expect(await created.json()).toEqual(payload);

    const replaced = await postClrRaw(provider, token, payload);
    expect(replaced.status).toBe(200);
    expect(provider.state.getClr(payload.clr.id)?.version).toBe(2);
    expect(provider.state.storedClrs()).toHaveLength(1);
  });

  it('accepts application/json bodies and Accept lists that include application/ld+json', async () => {
    const response = await postClrRaw(provider, token, validPayload('json-body'), {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json, application/ld+json;q=0.5',
    });
    expect(response.status).toBe(201);
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const response = await postClrRaw(provider, undefined, validPayload('no-token'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="clr"');
    expect((await imsx(response)).codeMinor).toBe('unauthorizedrequest');
  });

  it('answers 401 invalid_token for an unknown or expired token', async () => {
    const unknown = await postClrRaw(provider, 'not-a-token', validPayload('bad-token'));
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const expiring = await fetchToken(provider);
    const issued = provider.state.tokens.get(expiring);
    if (issued === undefined) throw new Error('token not stored');
    issued.expiresAt = Date.now() - 1;
    const expired = await postClrRaw(provider, expiring, validPayload('expired'));
    expect(expired.status).toBe(401);
    expect((await imsx(expired)).description).toBe('The access token has expired');
  });

  it('answers 403 insufficient_scope to a token without the replace scope', async () => {
    const readonly = await fetchToken(provider, READER);
    const response = await postClrRaw(provider, readonly, validPayload('readonly'));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain(
      `error="insufficient_scope", scope="${CLR_SCOPES.replace}"`,
    );
    expect((await imsx(response)).codeMinor).toBe('forbidden');
  });

  it.each(['application/json', 'text/html', 'application/ld+json;q=0'])(
    'answers 406 not_acceptable to Accept %s',
    async (accept) => {
      const response = await postClrRaw(provider, token, validPayload('accept'), { Accept: accept });
      expect(response.status).toBe(406);
      expect((await imsx(response)).codeMinor).toBe('not_acceptable');
      expect(provider.state.storedClrs()).toHaveLength(0);
    },
  );

  it.each(['text/plain', 'application/ld+json; charset=iso-8859-1'])(
    'answers 415 to Content-Type %s',
    async (type) => {
      const response = await postClrRaw(provider, token, validPayload('type'), { 'Content-Type': type });
      expect(response.status).toBe(415);
      expect((await imsx(response)).description).toContain('Content-Type must be application/ld+json');
    },
  );

  it('answers 413 to a body over the size limit', async () => {
    const payload = validPayload('large');
    payload.clr['name'] = 'x'.repeat(300 * 1024);
    const response = await postClrRaw(provider, token, payload);
    expect(response.status).toBe(413);
    expect((await imsx(response)).description).toContain('exceeds the limit of 262144 bytes');
  });

  it('answers 400 invalid_data to a body that is not JSON, without quoting it', async () => {
    const response = await postClrRaw(provider, token, '{"clr": Ada Example');
    expect(response.status).toBe(400);
    const { codeMinor, description } = await imsx(response);
    expect(codeMinor).toBe('invalid_data');
    expect(description).toBe('The body is not valid JSON');
  });

  it('answers 400 invalid_data listing the findings of an invalid payload', async () => {
    const payload = readFixture('clr/invalid/missing-required-property.json');
    const response = await postClrRaw(provider, token, payload);
    expect(response.status).toBe(400);
    const { codeMinor, description } = await imsx(response);
    expect(codeMinor).toBe('invalid_data');
    expect(description).toMatch(/^The CLR payload is invalid \(\d+ problems?\): \$/);
    expect(provider.state.storedClrs()).toHaveLength(0);
  });

  it('refuses a payload with both clr and signedClr', async () => {
    const response = await postClrRaw(
      provider,
      token,
      readFixture('clr/invalid/both-clr-and-signed-clr.json'),
    );
    expect(response.status).toBe(400);
    expect((await imsx(response)).description).toMatch(/signedClr/);
  });

  it('with payload validation off, stores an invalid CLR that has an id and still refuses one without', async () => {
    const unchecked = await startTestProvider({ validatePayloads: false });
    try {
      const uncheckedToken = await fetchToken(unchecked);
      const invalid = readFixture<{ clr: { id: string } }>('clr/invalid/missing-required-property.json');
      const accepted = await postClrRaw(unchecked, uncheckedToken, invalid);
      expect(accepted.status).toBe(201);
      expect(unchecked.state.storedClrs().map((stored) => stored.id)).toEqual([invalid.clr.id]);

      const noId = await postClrRaw(unchecked, uncheckedToken, { clr: { name: 'no id' } });
      expect(noId.status).toBe(400);
      expect((await imsx(noId)).description).toContain('$.clr.id');
      const notJws = await postClrRaw(unchecked, uncheckedToken, { signedClr: 'not a JWS' });
      expect(notJws.status).toBe(400);
      expect((await imsx(notJws)).description).toContain('$.signedClr');
      expect(unchecked.state.storedClrs()).toHaveLength(1);
    } finally {
      await unchecked.close();
    }
  });

  it('logs every request, in order, with its status and Clr id', async () => {
    const payload = validPayload('logged');
    await postClrRaw(provider, token, payload);
    await postClrRaw(provider, undefined, payload);
    await postClrRaw(provider, token, payload);
    await postClrRaw(provider, token, { ...payload, extra: true });
    expect(
      provider.state
        .receivedPosts()
        .map(({ seq, status, outcome, clrId }) => ({ seq, status, outcome, clrId })),
    ).toEqual([
      { seq: 1, status: 201, outcome: 'created', clrId: payload.clr.id },
      { seq: 2, status: 401, outcome: 'unauthorized', clrId: undefined },
      { seq: 3, status: 200, outcome: 'replaced', clrId: payload.clr.id },
      { seq: 4, status: 400, outcome: 'rejected', clrId: payload.clr.id },
    ]);
    expect(provider.state.countsByClrId()).toEqual({ [payload.clr.id]: { received: 3, accepted: 2 } });
  });
});

describe('getClrs / getClr / deleteClr', () => {
  let reader: string;

  beforeAll(async () => {
    reader = await fetchToken(provider, READER);
  });

  function get(path: string, bearer = reader, accept = 'application/ld+json'): Promise<Response> {
    return fetch(`${provider.endpoints.clrsUrl}${path}`, {
      headers: { Authorization: `Bearer ${bearer}`, Accept: accept },
    });
  }

  it('pages the accepted CLRs with X-Total-Count and Link headers', async () => {
    for (const suffix of ['p1', 'p2', 'p3']) await postClrRaw(provider, token, validPayload(suffix));
    const response = await get('?limit=2&offset=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('3');
    const link = response.headers.get('link') ?? '';
    expect(link).toContain('offset=0>; rel="first"');
    expect(link).toContain('offset=2>; rel="last"');
    expect(link).toContain('rel="prev"');
    expect(link).not.toContain('rel="next"');
    const set = (await response.json()) as { '@context': string; clrs: { id: string }[] };
    expect(set['@context']).toBe('https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld');
    expect(set.clrs.map((clr) => clr.id.split('/').pop())).toEqual(['p2', 'p3']);
  });

  it('filters by since (issuedOn after it)', async () => {
    await postClrRaw(provider, token, validPayload('old'));
    const after = await get(`?since=${encodeURIComponent('2030-01-01T00:00:00Z')}`);
    expect(after.headers.get('x-total-count')).toBe('0');
    const before = await get(`?since=${encodeURIComponent('2000-01-01T00:00:00+02:00')}`);
    expect(before.headers.get('x-total-count')).toBe('1');
  });

  it.each(['?limit=0', '?limit=abc', '?offset=-1', '?since=yesterday', '?since=2021-01-01T00:00:00'])(
    'answers 400 invalid_query_parameter to %s',
    async (query) => {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect((await imsx(response)).codeMinor).toBe('invalid_query_parameter');
    },
  );

  it('reads one CLR by its full id or its last path segment, 404 otherwise', async () => {
    const payload = validPayload('one');
    await postClrRaw(provider, token, payload);
    const byId = await get(`/${encodeURIComponent(payload.clr.id)}`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual({ '@context': payload['@context'], ...payload.clr });
    expect((await get('/one')).status).toBe(200);
    const missing = await get('/nothing-here');
    expect(missing.status).toBe(404);
    expect((await imsx(missing)).codeMinor).toBe('unknown');
  });

  it('answers 410 with the body for a revoked CLR', async () => {
    const payload = validPayload('revoked');
    Object.assign(payload.clr, { revoked: true, revocationReason: 'Issued in error' });
    expect((await postClrRaw(provider, token, payload)).status).toBe(201);
    const response = await get('/revoked');
    expect(response.status).toBe(410);
    expect(((await response.json()) as { revoked: boolean }).revoked).toBe(true);
  });

  it('needs the readonly scope to read and the delete scope to delete', async () => {
    const payload = validPayload('scoped');
    await postClrRaw(provider, token, payload);
    const replaceOnly = await fetchToken(provider, undefined, CLR_SCOPES.replace);
    expect((await get('', replaceOnly)).status).toBe(403);
    const deleteByReader = await fetch(`${provider.endpoints.clrsUrl}/scoped`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${reader}` },
    });
    expect(deleteByReader.status).toBe(403);
    const deleted = await fetch(`${provider.endpoints.clrsUrl}/scoped`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    expect(provider.state.getClr(payload.clr.id)).toBeUndefined();
  });

  it('answers reads that accept only application/json, and 406 to others', async () => {
    expect((await get('', reader, 'application/json')).status).toBe(200);
    expect((await get('', reader, 'text/html')).status).toBe(406);
  });
});
