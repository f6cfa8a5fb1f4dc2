import { deliveryTargetSchema } from '@app/config';
import { targetInputOf } from './target-config';

describe('targetInputOf', () => {
  it('carries a client-credentials target with its client and secret', () => {
    const target = deliveryTargetSchema.parse({
      name: 'wallet',
      baseUrl: 'https://wallet.example.org',
      auth: { type: 'clientCredentials', clientId: 'id', clientSecret: 'secret' },
    });
    expect(targetInputOf(target)).toEqual({
      name: 'wallet',
      baseUrl: 'https://wallet.example.org',
      authMode: 'client_credentials',
      clientId: 'id',
      clientSecret: 'secret',
      tokenUrl: null,
      discoveryUrl: null,
      scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      payloadForm: 'signedClr',
      concurrency: 4,
      ratePerSecond: 10,
      timeoutMs: 30_000,
      enabled: true,
    });
  });

  it('leaves the registered client of a dynamic-registration target alone', () => {
    const input = targetInputOf(
      deliveryTargetSchema.parse({
        name: 'lrw',
        enabled: false,
        baseUrl: 'https://lrw.example.edu',
        auth: { type: 'dynamicRegistration', discoveryUrl: 'https://lrw.example.edu/d' },
        payload: 'clr',
      }),
    );
    expect(input).toMatchObject({
      authMode: 'dynamic_registration',
      discoveryUrl: 'https://lrw.example.edu/d',
      tokenUrl: null,
      payloadForm: 'clr',
      enabled: false,
    });
    expect(input).not.toHaveProperty('clientId');
    expect(input).not.toHaveProperty('clientSecret');
  });
});
