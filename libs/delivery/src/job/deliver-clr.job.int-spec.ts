import { type AppConfig } from '@app/config';
import { type DeliveryEntity, type DeliveryTargetEntity } from '@app/store';
import { closedPortUrl } from '../delivery.test-kit';
import { type DeliverClrJob } from './deliver-clr.job';
import {
  clientCredentialsTarget,
  DeliveryTestBed,
  RecordingQueue,
  testConfig,
  type TargetConfigInput,
} from './delivery-job.test-kit';
import { type SharedTargetLimits } from '../limiter/shared-target-limits';
import { createDeliveryServices, type DeliveryServices } from './delivery-services.factory';
import { type DeliverySettings } from './delivery-settings';

let bed: DeliveryTestBed;
let queue: RecordingQueue;
let services: DeliveryServices;
let target: DeliveryTargetEntity;
let learnerCount = 0;

beforeAll(async () => {
  bed = await DeliveryTestBed.start();
});
afterAll(() => bed?.close());

/** Services for this configuration, targets synced; `target` is the first configured one. */
async function setUp(
  targets: TargetConfigInput[] = [clientCredentialsTarget(bed.provider)],
  settings: Partial<DeliverySettings> = {},
  delivery: Record<string, unknown> = {},
): Promise<AppConfig> {
  services?.close();
  queue = new RecordingQueue();
  const config = testConfig(targets, delivery);
  services = createDeliveryServices({ store: bed.store, config, queue, settings });
  await services.targets.syncFromConfig();
  target = (await bed.store.targets.getByName(targets[0].name))!;
  return config;
}

/** Handler sharing the store and targets, with another clock (a later worker). */
function jobAt(offsetMs: number, config: AppConfig): DeliverClrJob {
  return createDeliveryServices({
    store: bed.store,
    config,
    queue,
    settings: { now: () => new Date(Date.now() + offsetMs) },
  }).job;
}

function learner(): string {
  learnerCount += 1;
  return `learner-${learnerCount}`;
}

async function pendingDelivery(name = learner(), targetId = target.id): Promise<[string, DeliveryEntity]> {
  const version = await bed.seedVersion(name);
  const [delivery] = await bed.deliver(version, [targetId]);
  return [name, delivery];
}

/** Every postClr the provider saw, as [status, outcome]. */
function seen(): [number, string][] {
  return bed.provider.state.receivedPosts().map((post) => [post.status, post.outcome]);
}

async function row(id: string): Promise<DeliveryEntity> {
  return (await bed.store.deliveries.get(id))!;
}

beforeEach(() => {
  bed.provider.state.reset();
});
afterEach(() => services?.close());

describe('DeliverClrJob against the stand-in provider', () => {
  it('delivers a version once (201 created) and the next version as a replacement (200)', async () => {
    await setUp();
    const [name, first] = await pendingDelivery();
    expect(await services.job.handle({ deliveryId: first.id })).toEqual({
      kind: 'delivered',
      deliveryId: first.id,
      attempts: 1,
      status: 201,
      result: 'created',
      tokenRefreshed: false,
      reregistered: false,
      recorded: true,
      target: target.name,
    });
    expect(await row(first.id)).toMatchObject({ status: 'delivered', attempts: 1, lastHttpStatus: 201 });

    const second = await bed.seedVersion(name, 'Second version');
    const [next] = await bed.deliver(second, [target.id]);
    expect(await services.job.handle({ deliveryId: next.id })).toMatchObject({
      kind: 'delivered',
      status: 200,
      result: 'replaced',
    });
    expect(bed.postsFor(name)).toEqual([2, 2]);
    expect(bed.provider.state.storedClrs()[0].clr.name).toBe('Second version');
    expect(bed.provider.state.storedClrs()[0].format).toBe('signedClr');

    // A replayed job finds the delivery settled and posts nothing.
    expect(await services.job.handle({ deliveryId: first.id })).toEqual({
      kind: 'skipped',
      deliveryId: first.id,
      reason: 'not_claimable',
      status: 'delivered',
    });
    expect(await services.job.handle({ deliveryId: 'no-such-delivery' })).toEqual({
      kind: 'skipped',
      deliveryId: 'no-such-delivery',
      reason: 'not_found',
    });
    expect(bed.postsFor(name)).toEqual([2, 2]);
    expect(queue.added).toEqual([]);
  });

  it('sends the CLR JSON to a target that takes the clr form', async () => {
    await setUp([{ ...clientCredentialsTarget(bed.provider, 'json-wallet'), payload: 'clr' }]);
    const [name, delivery] = await pendingDelivery();
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'delivered',
      status: 201,
    });
    const [stored] = bed.provider.state.storedClrs();
    expect(stored.format).toBe('clr');
    expect(stored.payload).not.toHaveProperty('signedClr');
    expect(stored.clr.id).toContain(name);
  });

  it('rejects on a 400, keeping the status and the imsx body, and the other deliveries go on', async () => {
    await setUp();
    const [badName, bad] = await pendingDelivery();
    const [goodName, good] = await pendingDelivery();
    bed.provider.state.injectFault({ status: 400, description: 'issuedOn is not a date' });
    const outcome = await services.job.handle({ deliveryId: bad.id });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_data',
      status: 400,
      error: 'HTTP 400 from provider (failure/error [invalid_data])',
      recorded: true,
    });
    const rejected = await row(bad.id);
    expect(rejected).toMatchObject({ status: 'rejected', lastHttpStatus: 400, nextAttemptAt: null });
    expect(JSON.parse(rejected.imsxBody!)).toMatchObject({
      imsx_codeMajor: 'failure',
      imsx_description: 'issuedOn is not a date',
    });
    expect(await services.job.handle({ deliveryId: good.id })).toMatchObject({
      kind: 'delivered',
      status: 201,
    });
    expect(seen()).toEqual([
      [400, 'fault'],
      [201, 'created'],
    ]);
    expect(bed.postsFor(badName)).toEqual([0, 0]);
    expect(bed.postsFor(goodName)).toEqual([1, 1]);
    expect(queue.added).toEqual([]);
  });

  it('refreshes the token once on a 401 and delivers', async () => {
    await setUp();
    const [name, delivery] = await pendingDelivery();
    bed.provider.state.rejectNextTokens(1);
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'delivered',
      tokenRefreshed: true,
      attempts: 1,
    });
    expect(bed.provider.state.tokenRequests).toBe(2);
    expect(seen()).toEqual([
      [401, 'unauthorized'],
      [201, 'created'],
    ]);
    expect(bed.postsFor(name)).toEqual([1, 1]);
  });

  it('retries a 500 after the backoff with the next attempt queued, and is dead after maxAttempts', async () => {
    await setUp(undefined, {}, { retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 150 } });
    const [name, delivery] = await pendingDelivery();
    bed.provider.state.injectFault({ status: 500, count: 10 });
    for (const attempt of [1, 2]) {
      const before = Date.now();
      const outcome = await services.job.handle({ deliveryId: delivery.id });
      expect(outcome).toMatchObject({
        kind: 'retrying',
        attempts: attempt,
        reason: 'server_error',
        status: 500,
        nextJobQueued: true,
      });
      const [queued] = queue.take();
      expect(queued).toMatchObject({ deliveryId: delivery.id, attempt });
      // Full jitter under the cap: 0..100 ms, then 0..150 ms.
      expect(queued.delayMs).toBeLessThanOrEqual(attempt === 1 ? 100 : 150);
      const retrying = await row(delivery.id);
      expect(retrying).toMatchObject({ status: 'retrying', attempts: attempt, lastHttpStatus: 500 });
      expect(retrying.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before);
    }
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'dead',
      attempts: 3,
      reason: 'server_error',
      status: 500,
      error: 'HTTP 500 from provider (failure/error [internal_server_error]); gave up after 3 attempt(s)',
    });
    expect(await row(delivery.id)).toMatchObject({
      status: 'dead',
      lastHttpStatus: 500,
      lastError: expect.stringContaining('gave up after 3'),
    });
    expect(queue.added).toEqual([]);
    expect(seen()).toEqual([
      [500, 'fault'],
      [500, 'fault'],
      [500, 'fault'],
    ]);
    expect(bed.postsFor(name)).toEqual([0, 0]);
  });

  it('waits at least Retry-After after a 429 and hands other jobs for the paused target back', async () => {
    await setUp(undefined, { maxSlotWaitMs: 200 });
    const [, first] = await pendingDelivery();
    const [otherName, other] = await pendingDelivery();
    bed.provider.state.injectFault({ status: 429, retryAfter: '3' });
    expect(await services.job.handle({ deliveryId: first.id })).toMatchObject({
      kind: 'retrying',
      reason: 'rate_limited',
      status: 429,
    });
    expect(queue.take()[0].delayMs).toBeGreaterThanOrEqual(3000);
    const throttled = await services.job.handle({ deliveryId: other.id });
    expect(throttled).toMatchObject({ kind: 'throttled', reason: 'target_paused' });
    expect(throttled.kind === 'throttled' && throttled.retryAt.getTime()).toBeGreaterThan(Date.now() + 2000);
    // Handed back untouched: no attempt spent, nothing posted.
    expect(await row(other.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(bed.postsFor(otherName)).toEqual([0, 0]);
  });

  it('pauses a target at most a day, whatever Retry-After a provider asks for', async () => {
    const day = 24 * 3600_000;
    for (const retryAfter of ['99999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT']) {
      await setUp(undefined, { maxSlotWaitMs: 200 }); // a fresh process: no pause yet
      const [, first] = await pendingDelivery();
      const [, other] = await pendingDelivery();
      bed.provider.state.injectFault({ status: 429, retryAfter });
      const before = Date.now();
      expect(await services.job.handle({ deliveryId: first.id })).toMatchObject({
        kind: 'retrying',
        status: 429,
      });
      expect(queue.take()[0].delayMs).toBeLessThanOrEqual(day);
      const throttled = await services.job.handle({ deliveryId: other.id });
      expect(throttled).toMatchObject({ kind: 'throttled', reason: 'target_paused' });
      const retryAt = throttled.kind === 'throttled' ? throttled.retryAt.getTime() : NaN;
      expect({ retryAfter, withinADay: retryAt > before && retryAt <= Date.now() + day }).toEqual({
        retryAfter,
        withinADay: true,
      });
    }
  });

  it('hands a job back, saying why, when the shared target limits answer with an error', async () => {
    const config = await setUp();
    const limits: SharedTargetLimits = {
      acquire: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")),
      pause: () => Promise.resolve(),
    };
    const job = createDeliveryServices({ store: bed.store, config, queue, sharedLimits: limits }).job;
    const [name, delivery] = await pendingDelivery();
    expect(await job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'throttled',
      reason: 'limits_unavailable',
      detail: expect.stringContaining('READONLY') as string,
    });
    expect(await row(delivery.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(bed.postsFor(name)).toEqual([0, 0]);
  });

  it('posts only the newer of two versions queued before delivery', async () => {
    await setUp();
    const name = learner();
    const v1 = await bed.seedVersion(name, 'Version one');
    const [d1] = await bed.deliver(v1, [target.id]);
    const v2 = await bed.seedVersion(name, 'Version two');
    const [d2] = await bed.deliver(v2, [target.id]);
    // The store rule superseded the older one when the newer was created...
    expect(await services.job.handle({ deliveryId: d1.id })).toEqual({
      kind: 'skipped',
      deliveryId: d1.id,
      reason: 'not_claimable',
      status: 'superseded',
    });
    expect(await services.job.handle({ deliveryId: d2.id })).toMatchObject({
      kind: 'delivered',
      status: 201,
    });
    expect(bed.postsFor(name)).toEqual([1, 1]);
    expect(bed.provider.state.storedClrs()[0].clr.name).toBe('Version two');
  });

  it('never sends a CLR revoked after its delivery was queued (its learner left the SIS)', async () => {
    await setUp();
    const [name, delivery] = await pendingDelivery();
    const version = (await bed.store.versions.latestVersion(`ref-${name}`))!;
    await bed.store.revocations.add(
      'https://clr.example.edu/ims/clr/v1p0/profiles/institution',
      version.clrId,
      'the learner is no longer in the SIS',
    );
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'dead',
      reason: 'clr_revoked',
      error: expect.stringContaining('is revoked'),
      recorded: true,
    });
    expect(await row(delivery.id)).toMatchObject({
      status: 'dead',
      lastError: expect.stringContaining('revoked'),
    });
    expect(bed.postsFor(name)).toEqual([0, 0]);
    expect(seen()).toEqual([]);
  });

  it('supersedes after claiming when a newer version slipped past the store rule', async () => {
    await setUp();
    const name = learner();
    const [d1] = await bed.deliver(await bed.seedVersion(name, 'Version one'), [target.id]);
    // Created without the supersede rule (it ran while d1 was briefly claimed elsewhere).
    const v2 = await bed.seedVersion(name, 'Version two');
    const { deliveries } = await bed.store.deliveries.createDeliveries(v2.id, [target.id]);
    expect(await services.job.handle({ deliveryId: d1.id })).toEqual({
      kind: 'superseded',
      deliveryId: d1.id,
      byDeliveryId: deliveries[0].id,
      recorded: true,
      target: target.name,
    });
    expect(await row(d1.id)).toMatchObject({ status: 'superseded', attempts: 1 });
    expect(await services.job.handle({ deliveryId: deliveries[0].id })).toMatchObject({ kind: 'delivered' });
    expect(bed.postsFor(name)).toEqual([1, 1]);
    expect(bed.provider.state.storedClrs()[0].clr.name).toBe('Version two');
  });

  it('hands a newer version back while an older one is in flight, unless that claim is stale', async () => {
    const config = await setUp();
    const name = learner();
    const [d1] = await bed.deliver(await bed.seedVersion(name, 'Version one'), [target.id]);
    await bed.store.deliveries.claim(d1.id); // another worker is posting v1 now
    const v2 = await bed.seedVersion(name, 'Version two');
    const { deliveries } = await bed.store.deliveries.createDeliveries(v2.id, [target.id]);
    const d2 = deliveries[0];
    expect(await services.job.handle({ deliveryId: d2.id })).toMatchObject({
      kind: 'throttled',
      reason: 'older_version_in_flight',
    });
    expect(await row(d2.id)).toMatchObject({ status: 'pending', attempts: 0 });
    // Once v1's claim is stale (its worker died), v2 goes ahead; v1, reclaimed later, stands down.
    const later = jobAt(31_000, config);
    expect(await later.handle({ deliveryId: d2.id })).toMatchObject({ kind: 'delivered' });
    expect(await later.handle({ deliveryId: d1.id })).toMatchObject({
      kind: 'superseded',
      byDeliveryId: d2.id,
    });
    expect(bed.postsFor(name)).toEqual([1, 1]);
  });

  it('reclaims a delivery left in flight by a killed worker once stale, and delivers it once', async () => {
    const config = await setUp();
    const [name, delivery] = await pendingDelivery();
    await bed.store.deliveries.claim(delivery.id); // the worker died right after claiming
    expect(await services.job.handle({ deliveryId: delivery.id })).toEqual({
      kind: 'skipped',
      deliveryId: delivery.id,
      reason: 'not_claimable',
      status: 'in_flight',
    });
    expect(await jobAt(31_000, config).handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'delivered',
      attempts: 2,
    });
    expect(bed.postsFor(name)).toEqual([1, 1]);
  });

  it('leaves the delivery reclaimable after an unexpected exception, and rethrows it', async () => {
    const config = await setUp();
    const [name, delivery] = await pendingDelivery();
    let failures = 1;
    const flakyStore = Object.create(bed.store) as typeof bed.store;
    Object.defineProperty(flakyStore, 'versions', {
      value: {
        getPayload: (id: string, form: 'signedClr' | 'clr') => {
          if (failures-- > 0) return Promise.reject(new TypeError('connection lost'));
          return bed.store.versions.getPayload(id, form);
        },
      },
    });
    const flaky = createDeliveryServices({ store: flakyStore, config, queue });
    await expect(flaky.job.handle({ deliveryId: delivery.id })).rejects.toThrow('connection lost');
    expect(await row(delivery.id)).toMatchObject({
      status: 'retrying',
      attempts: 1,
      lastError: 'internal error (TypeError)',
    });
    expect(bed.postsFor(name)).toEqual([0, 0]);
    // The job's retry (or the sweeper) claims it again.
    expect(await flaky.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'delivered',
      attempts: 2,
    });
    flaky.close();
  });

  it('retries when the provider cannot be reached for credentials, and fails a wrong secret for good', async () => {
    const down = await closedPortUrl();
    await setUp([
      { name: 'unreachable', baseUrl: down, auth: { type: 'dynamicRegistration' }, timeoutMs: 2000 },
      {
        ...clientCredentialsTarget(bed.provider, 'wrong-secret'),
        auth: {
          type: 'clientCredentials',
          clientId: 'delivery-publisher',
          clientSecret: 'wrong',
          tokenUrl: bed.provider.endpoints.tokenUrl,
        },
      },
    ]);
    const [, delivery] = await pendingDelivery();
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'retrying',
      reason: 'token_unavailable',
      error: expect.stringMatching(/^Discovery: connection refused/),
    });
    const wrong = (await bed.store.targets.getByName('wrong-secret'))!;
    const [, refused] = await pendingDelivery(undefined, wrong.id);
    expect(await services.job.handle({ deliveryId: refused.id })).toMatchObject({
      kind: 'rejected',
      reason: 'token_rejected',
      status: 401,
    });
    expect(await row(refused.id)).toMatchObject({ status: 'rejected', lastHttpStatus: 401 });
  });
});

describe('targets', () => {
  it('registers a dynamic-registration target once, reuses the client, and registers again when the provider forgets it', async () => {
    const clientsBefore = bed.provider.state.clients.size;
    const reports = await (async () => {
      await setUp([
        {
          name: 'campus-lrw',
          baseUrl: bed.provider.baseUrl,
          auth: { type: 'dynamicRegistration' },
          timeoutMs: 5000,
        },
      ]);
      return services.targets.syncFromConfig();
    })();
    expect(reports.find((report) => report.name === 'campus-lrw')).toMatchObject({
      enabled: true,
      credentials: 'ready',
      removedFromConfig: false,
    });
    expect(bed.provider.state.clients.size).toBe(clientsBefore + 1);
    const stored = (await bed.store.targets.getByName('campus-lrw'))!;
    expect(stored.clientId).not.toBeNull();
    expect(bed.provider.state.clients.get(stored.clientId!)?.grantTypes).toEqual(['client_credentials']);
    expect(bed.store.targets.registration(stored)).toMatchObject({
      clientId: stored.clientId,
      tokenUrl: bed.provider.endpoints.tokenUrl,
      registrationUrl: bed.provider.endpoints.registrationUrl,
      discoveryUrl: bed.provider.endpoints.discoveryUrl,
    });

    const [name, delivery] = await pendingDelivery(undefined, stored.id);
    expect(await services.job.handle({ deliveryId: delivery.id })).toMatchObject({
      kind: 'delivered',
      status: 201,
      reregistered: false,
    });
    // A restarted worker reuses the stored client.
    const config = await setUp([
      {
        name: 'campus-lrw',
        baseUrl: bed.provider.baseUrl,
        auth: { type: 'dynamicRegistration' },
        timeoutMs: 5000,
      },
    ]);
    expect(bed.provider.state.clients.size).toBe(clientsBefore + 1);

    // The provider forgets every registered client and token. Minutes after registering, its
    // refusal is not taken for that: no new registration, the delivery is refused, saying why.
    bed.provider.state.reset(true);
    const clientsAfterReset = bed.provider.state.clients.size;
    const [, refused] = await pendingDelivery(name, stored.id);
    expect(await services.job.handle({ deliveryId: refused.id })).toMatchObject({
      kind: 'rejected',
      reason: 'token_rejected',
      error: expect.stringContaining('it is registered again no sooner than 10 minutes after'),
    });
    expect(bed.provider.state.clients.size).toBe(clientsAfterReset);
    // Later than that, it is registered again and the delivery goes out.
    const [, again] = await pendingDelivery(name, stored.id);
    expect(await jobAt(11 * 60_000, config).handle({ deliveryId: again.id })).toMatchObject({
      kind: 'delivered',
      reregistered: true,
    });
    const renewed = (await bed.store.targets.getByName('campus-lrw'))!;
    expect(renewed.clientId).not.toBe(stored.clientId);
    expect(bed.provider.state.clients.has(renewed.clientId!)).toBe(true);
    const audit = await bed.store.audit.list({ action: 'delivery.target.registered', subject: 'campus-lrw' });
    expect(audit).toHaveLength(2);
    expect(audit[0].details).not.toContain('secret');
  });

  it('gives a disabled or unconfigured target nothing', async () => {
    await setUp([
      clientCredentialsTarget(bed.provider, 'live'),
      { ...clientCredentialsTarget(bed.provider, 'paused'), enabled: false },
      clientCredentialsTarget(bed.provider, 'dropped'),
    ]);
    const dropped = (await bed.store.targets.getByName('dropped'))!;
    const paused = (await bed.store.targets.getByName('paused'))!;
    const [name, queuedEarlier] = await pendingDelivery(undefined, dropped.id);
    // "dropped" leaves the configuration.
    await setUp([
      clientCredentialsTarget(bed.provider, 'live'),
      { ...clientCredentialsTarget(bed.provider, 'paused'), enabled: false },
    ]);
    const reports = await services.targets.syncFromConfig();
    expect(reports.map((r) => [r.name, r.enabled, r.removedFromConfig, r.credentials])).toEqual(
      expect.arrayContaining([
        ['live', true, false, 'ready'],
        ['paused', false, false, 'skipped'],
        ['dropped', false, true, 'skipped'],
      ]),
    );
    const active = (await services.targets.activeTargets()).map((t) => t.name);
    expect(active).toContain('live');
    expect(active).not.toContain('paused');
    expect(active).not.toContain('dropped');

    // A delivery queued before its target went away is not sent.
    expect(await services.job.handle({ deliveryId: queuedEarlier.id })).toMatchObject({
      kind: 'dead',
      reason: 'target_disabled',
      error: expect.stringContaining('target dropped is disabled'),
    });
    const [, toPaused] = await pendingDelivery(undefined, paused.id);
    expect(await services.job.handle({ deliveryId: toPaused.id })).toMatchObject({
      kind: 'dead',
      reason: 'target_disabled',
    });
    expect(bed.postsFor(name)).toEqual([0, 0]);
    expect(bed.provider.state.receivedPosts()).toEqual([]);
  });
});
