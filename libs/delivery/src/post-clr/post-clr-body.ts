import { Buffer } from 'node:buffer';
import { type PostClrPayload } from '@app/clr';

/** The characters of a compact JWS (base64url parts and dots): none needs escaping in JSON. */
const COMPACT_JWS_TEXT = /^[A-Za-z0-9_.-]*$/;

/**
 * The bytes of a postClr body: `JSON.stringify(payload)` as UTF-8. A `signedClr` payload (a
 * compact JWS of hundreds of KB) is written straight into the buffer around its JSON frame, so
 * no second copy of the JWS is made as a string: such strings live in the JS heap until a full
 * collection, and one per delivery made the worker's heap grow.
 */
export function postClrBody(payload: PostClrPayload): Buffer {
  const jws = payload.signedClr;
  if (typeof jws !== 'string' || payload.clr !== undefined || !COMPACT_JWS_TEXT.test(jws)) {
    return Buffer.from(JSON.stringify(payload), 'utf8');
  }
  const { signedClr: _jws, ...rest } = payload;
  const head = JSON.stringify(rest);
  // `{...rest, "signedClr": "<jws>"}`: the frame is `head` without its closing brace.
  const prefix = `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"signedClr":"`;
  const prefixBytes = Buffer.byteLength(prefix, 'utf8');
  const body = Buffer.allocUnsafe(prefixBytes + jws.length + 2);
  body.write(prefix, 0, 'utf8');
  body.write(jws, prefixBytes, 'latin1');
  body.write('"}', prefixBytes + jws.length, 'latin1');
  return body;
}
