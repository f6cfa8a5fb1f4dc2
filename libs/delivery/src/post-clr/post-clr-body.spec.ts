import { CLR_CONTEXT_URL, type Clr, type PostClrPayload } from '@app/clr';
import { postClrBody } from './post-clr-body';

const jws = `eyJhbGciOiJSUzI1NiJ9.${'eyJpZCI6InVybjp1dWlkOjEifQ'.repeat(20_000)}.c2lnbmF0dXJl-_`;

describe('postClrBody', () => {
  it('is the UTF-8 of JSON.stringify for a signedClr payload, the JWS written without a string copy', () => {
    const payload: PostClrPayload = { '@context': CLR_CONTEXT_URL, signedClr: jws };
    const body = postClrBody(payload);
    expect(body.equals(Buffer.from(JSON.stringify(payload)))).toBe(true);
    expect(JSON.parse(body.toString('utf8'))).toEqual(payload);
  });

  it('keeps a context that is an array with non-ASCII text byte-exact', () => {
    const payload = {
      '@context': [CLR_CONTEXT_URL, { résumé: 'https://example.edu/ns#résumé' }],
      signedClr: 'a.b.c',
    } as unknown as PostClrPayload;
    expect(postClrBody(payload).equals(Buffer.from(JSON.stringify(payload), 'utf8'))).toBe(true);
  });

  it('falls back to JSON.stringify when the signedClr has characters JSON escapes', () => {
    const payload = { '@context': CLR_CONTEXT_URL, signedClr: 'a."quoted"\n.c' } as PostClrPayload;
    const body = postClrBody(payload);
    expect(body.toString('utf8')).toBe(JSON.stringify(payload));
    expect(JSON.parse(body.toString('utf8'))).toEqual(payload);
  });

  it('serialises a clr payload as JSON, non-ASCII included', () => {
    const clr = {
      id: 'urn:uuid:1',
      name: 'Relevé de notes — été',
      learner: {},
      publisher: {},
    } as unknown as Clr;
    const payload: PostClrPayload = { '@context': CLR_CONTEXT_URL, clr };
    expect(postClrBody(payload).equals(Buffer.from(JSON.stringify(payload), 'utf8'))).toBe(true);
  });
});
