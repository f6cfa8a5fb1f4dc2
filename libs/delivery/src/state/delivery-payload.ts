import { CLR_CONTEXT_URL, type Clr, type PostClrPayload } from '@app/clr';
import { type ClrVersionPayload, type PayloadForm } from '@app/store';

/** What the payload is made of: the version's id and number and the document its form needs. */
type StoredDocuments = Omit<ClrVersionPayload, 'clrRevoked'>;

/** A stored version cannot be sent in the form its target wants. */
export class DeliveryPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryPayloadError';
  }
}

/**
 * The postClr body of a stored CLR version in a target's form (DIGEST §5): `signedClr` sends
 * `{ "@context", "signedClr": <compact JWS> }`, `clr` sends `{ "@context", "clr": <Clr> }`.
 * The Clr object goes without its own `@context`: the payload's is the document's.
 *
 * @throws DeliveryPayloadError when the version has no signature for a `signedClr` target, or
 *   its stored JSON (absent: not read) is not a Clr object (names the version, never its content).
 */
export function deliveryPayload(version: StoredDocuments, form: PayloadForm): PostClrPayload {
  switch (form) {
    case 'signedClr': {
      const jws = version.signedPayload;
      if (jws === null || jws === undefined || jws.trim() === '') {
        throw new DeliveryPayloadError(
          `CLR version ${version.id} (v${version.version}) has no signed payload for a signedClr target`,
        );
      }
      return { '@context': CLR_CONTEXT_URL, signedClr: jws.trim() };
    }
    case 'clr':
      return { '@context': CLR_CONTEXT_URL, clr: storedClr(version) };
  }
}

function storedClr(version: StoredDocuments): Clr {
  let value: unknown;
  try {
    if (version.unsignedJson === undefined) throw new Error('not read');
    value = JSON.parse(version.unsignedJson) as unknown;
  } catch {
    throw new DeliveryPayloadError(
      `CLR version ${version.id} (v${version.version}): stored JSON is unreadable`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DeliveryPayloadError(
      `CLR version ${version.id} (v${version.version}): stored JSON is not an object`,
    );
  }
  // A stored postClr-shaped document ({ "@context", "clr" }) is taken as its Clr.
  const record = value as Record<string, unknown>;
  const inner = record['clr'];
  const clr = (
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : record
  ) as Record<string, unknown>;
  if (typeof clr['id'] !== 'string') {
    throw new DeliveryPayloadError(
      `CLR version ${version.id} (v${version.version}): stored JSON is not a Clr (no id)`,
    );
  }
  const { '@context': _context, ...rest } = clr;
  return rest as unknown as Clr;
}
