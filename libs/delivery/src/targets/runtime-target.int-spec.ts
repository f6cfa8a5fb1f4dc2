import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { DeliveryError } from '../errors/delivery-error';
import { closedPortUrl } from '../delivery.test-kit';
import {
  clientCredentialsTarget,
  DeliveryTestBed,
  RecordingQueue,
  testConfig,
  type TargetConfigInput,
} from '../job/delivery-job.test-kit';
import { createDeliveryServices, type DeliveryServices } from '../job/delivery-services.factory';

let bed: DeliveryTestBed;
let services: DeliveryServices;

beforeAll(async () => {
  bed = await DeliveryTestBed.start();
});
afterAll(async () => {
  services?.close();
  await bed?.close();
});

function servicesFor(targets: TargetConfigInput[]): DeliveryServices {
  services?.close();
  services = createDeliveryServices({
    store: bed.store,
    config: testConfig(targets),
    queue: new RecordingQueue(),
  });
  return services;
}

async function refusal(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('targets added at run time', () => {
  it('registers from the discovery document, derives the base URL and enables the target', async () => {
    const clientsBefore = bed.provider.state.clients.size;
    const target = await servicesFor([]).targets.addRuntimeTarget({
      name: 'added-lrw',
      discoveryUrl: bed.provider.endpoints.discoveryUrl,
      timeoutMs: 5000,
    });
    expect(target).toMatchObject({
      name: 'added-lrw',
      origin: 'runtime',
      enabled: true,
      authMode: 'dynamic_registration',
      baseUrl: bed.provider.baseUrl,
      discoveryUrl: bed.provider.endpoints.discoveryUrl,
      payloadForm: 'signedClr',
      scopes: 'https://purl.imsglobal.org/spec/clr/v1p0/scope/replace',
    });
    expect(bed.provider.state.clients.size).toBe(clientsBefore + 1);
    expect(bed.provider.state.clients.has(target.clientId!)).toBe(true);
    expect(await services.targets.credentialsFor(target)).toMatchObject({
      clientId: target.clientId,
      tokenUrl: bed.provider.endpoints.tokenUrl,
    });
  });

  it('survives a configuration sync, which still owns (and disables) configured targets', async () => {
    const configured = clientCredentialsTarget(bed.provider, 'configured-one');
    await servicesFor([configured]).targets.syncFromConfig({ resolveCredentials: false });
    await servicesFor([]).targets.addRuntimeTarget({
      name: 'kept-at-runtime',
      discoveryUrl: bed.provider.endpoints.discoveryUrl,
      timeoutMs: 5000,
    });
    // The configuration no longer lists configured-one and never listed kept-at-runtime.
    const reports = await servicesFor([]).targets.syncFromConfig();
    expect(reports.find((report) => report.name === 'configured-one')).toMatchObject({
      origin: 'config',
      enabled: false,
      removedFromConfig: true,
    });
    expect(reports.find((report) => report.name === 'kept-at-runtime')).toMatchObject({
      origin: 'runtime',
      enabled: true,
      removedFromConfig: false,
      credentials: 'ready',
    });
    expect((await bed.store.targets.getByName('kept-at-runtime'))?.enabled).toBe(true);

    // An operator's disable is not undone by a sync either.
    await bed.store.targets.setEnabled('kept-at-runtime', false);
    await servicesFor([]).targets.syncFromConfig();
    expect((await bed.store.targets.getByName('kept-at-runtime'))?.enabled).toBe(false);

    // Once the configuration names it, it is a configured target.
    await servicesFor([clientCredentialsTarget(bed.provider, 'kept-at-runtime')]).targets.syncFromConfig({
      resolveCredentials: false,
    });
    expect(await bed.store.targets.getByName('kept-at-runtime')).toMatchObject({
      origin: 'config',
      enabled: true,
      authMode: 'client_credentials',
    });
  });

  it('keeps nothing when discovery or the URL fails, and says why', async () => {
    const targets = servicesFor([]).targets;
    const down = await closedPortUrl();
    const unreachable = await refusal(
      targets.addRuntimeTarget({ name: 'down', discoveryUrl: `${down}/ims/clr/v1p0/discovery` }),
    );
    expect(unreachable.code).toBe('unreachable');
    const notDiscovery = await refusal(
      targets.addRuntimeTarget({ name: 'wrong', discoveryUrl: `${bed.provider.baseUrl}/oauth/token` }),
    );
    expect(notDiscovery.message).toMatch(/baseUrl is needed/);
    const wrongDocument = await refusal(
      targets.addRuntimeTarget({
        name: 'wrong',
        discoveryUrl: `${bed.provider.baseUrl}/_provider/stats`,
        baseUrl: bed.provider.baseUrl,
      }),
    );
    expect(wrongDocument.code).toBe('discovery_invalid');
    const plainHttp = await refusal(
      targets.addRuntimeTarget({
        name: 'plain',
        discoveryUrl: 'http://lrw.example.org/ims/clr/v1p0/discovery',
      }),
    );
    expect(plainHttp).toMatchObject({ code: 'invalid_target', message: 'discoveryUrl must use https' });
    const notUrl = await refusal(targets.addRuntimeTarget({ name: 'x', discoveryUrl: 'lrw.example.org' }));
    expect(notUrl).toMatchObject({ code: 'invalid_target', message: 'discoveryUrl is not an absolute URL' });
    for (const name of ['down', 'wrong', 'plain', 'x'])
      expect(await bed.store.targets.getByName(name)).toBeNull();
  });

  it('refuses a scope the provider does not offer', async () => {
    const refused = await refusal(
      servicesFor([]).targets.addRuntimeTarget({
        name: 'no-scope',
        discoveryUrl: bed.provider.endpoints.discoveryUrl,
        scopes: ['https://example.org/not-offered'],
      }),
    );
    expect(refused.code).toBe('discovery_invalid');
    expect(await bed.store.targets.getByName('no-scope')).toBeNull();
  });

  it('removes the target again when the registration fails', async () => {
    // A discovery document like the provider's whose registration endpoint does not answer.
    const document = (await (await fetch(bed.provider.endpoints.discoveryUrl)).json()) as Record<
      string,
      unknown
    >;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...document, registrationUrl: `${closed}/oauth/register` }));
    });
    const closed = await closedPortUrl();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const failed = await refusal(
        servicesFor([]).targets.addRuntimeTarget({
          name: 'unregistered',
          discoveryUrl: `http://127.0.0.1:${port}/ims/clr/v1p0/discovery`,
        }),
      );
      expect(failed.code).toBe('unreachable');
      expect(await bed.store.targets.getByName('unregistered')).toBeNull();
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
