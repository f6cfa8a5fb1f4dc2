/**
 * Decodes the payload of a compact JWS without checking its signature: the object a
 * `signedClr` carries. Returns why it cannot be read instead of throwing.
 */
export function decodeCompactJwsPayload(
  jws: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'is not a compact JWS (three dot-separated parts)' };
  const payload = parts[1] ?? '';
  if (!/^[A-Za-z0-9_-]+$/.test(payload))
    return { ok: false, reason: 'has a JWS payload that is not base64url' };
  let text: string;
  try {
    text = Buffer.from(payload, 'base64url').toString('utf8');
  } catch {
    return { ok: false, reason: 'has a JWS payload that is not base64url' };
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, reason: 'has a JWS payload that is not a JSON object' };
    }
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'has a JWS payload that is not JSON' };
  }
}
