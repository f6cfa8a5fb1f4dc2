import { CLR_CONTEXT_URL } from '@app/clr';
import { DeliveryPayloadError, deliveryPayload } from './delivery-payload';

const clr = { id: 'https://clr.example.edu/clrs/1', type: 'Clr', name: 'Record' };
const version = {
  id: 'v-1',
  version: 2,
  signedPayload: 'aaa.bbb.ccc',
  unsignedJson: JSON.stringify({ '@context': CLR_CONTEXT_URL, ...clr }),
};

describe('deliveryPayload', () => {
  it('sends the compact JWS to a signedClr target', () => {
    expect(deliveryPayload(version, 'signedClr')).toEqual({
      '@context': CLR_CONTEXT_URL,
      signedClr: 'aaa.bbb.ccc',
    });
  });

  it('sends the Clr without its own @context to a clr target', () => {
    expect(deliveryPayload(version, 'clr')).toEqual({ '@context': CLR_CONTEXT_URL, clr });
    // A stored postClr-shaped document gives its Clr.
    const wrapped = { ...version, unsignedJson: JSON.stringify({ '@context': CLR_CONTEXT_URL, clr }) };
    expect(deliveryPayload(wrapped, 'clr')).toEqual({ '@context': CLR_CONTEXT_URL, clr });
  });

  it.each([
    [
      { signedPayload: null },
      'signedClr',
      'CLR version v-1 (v2) has no signed payload for a signedClr target',
    ],
    [{ signedPayload: '  ' }, 'signedClr', 'has no signed payload'],
    [{ unsignedJson: '{"id": ' }, 'clr', 'CLR version v-1 (v2): stored JSON is unreadable'],
    [{ unsignedJson: '[1]' }, 'clr', 'stored JSON is not an object'],
    [{ unsignedJson: '{"name": "Ada Lovelace"}' }, 'clr', 'stored JSON is not a Clr (no id)'],
  ] as const)('refuses %p as %s, naming the version and not its content', (change, form, message) => {
    const call = (): unknown => deliveryPayload({ ...version, ...change }, form);
    expect(call).toThrow(DeliveryPayloadError);
    expect(call).toThrow(message);
    expect(call).not.toThrow('Ada');
  });
});
