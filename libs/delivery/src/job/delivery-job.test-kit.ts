/**
 * Test-only bed for the delivery job and worker suites: a SQLite store in a temp folder, the
 * stand-in provider over HTTP, a validated configuration pointing at it, and versions seeded
 * straight into the store with CLRs signed by the TEST-ONLY keys. Not exported.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Clr, createSigner, type Signer, signClr } from '@app/clr';
import { type AppConfig, appConfigSchema } from '@app/config';
import { type RunningStandInProvider } from '@app/provider';
import { type ClrVersionEntity, type DeliveryEntity, PublisherStore } from '@app/store';
import { PUBLISHER, startProvider } from '../delivery.test-kit';
import { type DeliveryQueue } from './delivery-queue';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures');
const INSTITUTION_ID = 'https://clr.example.edu/profiles/institution';
const ACCREDITOR_ID = 'https://accreditor.example.org/profiles/accreditor';
// TEST-ONLY master key (fixed so runs are reproducible).
export const MASTER_KEY = Buffer.from('delivery-tests-master-key-32byte', 'utf8');

/** A configured target (raw, before validation). */
export type TargetConfigInput = Record<string, unknown> & { name: string };

/** A client-credentials target for the provider (the delivery test-kit's publisher client). */
export function clientCredentialsTarget(
  provider: RunningStandInProvider,
  name = 'wallet',
): TargetConfigInput {
  return {
    name,
    baseUrl: provider.baseUrl,
    auth: { type: 'clientCredentials', ...PUBLISHER, tokenUrl: provider.endpoints.tokenUrl },
    payload: 'signedClr',
    concurrency: 4,
    ratePerSecond: 1000,
    timeoutMs: 5000,
  };
}

/** A validated configuration with these targets and small retry values. */
export function testConfig(targets: TargetConfigInput[], delivery: Record<string, unknown> = {}): AppConfig {
  return appConfigSchema.parse({
    institution: {
      id: 'test-u',
      name: 'Test University',
      url: 'http://127.0.0.1',
      email: 'registrar@test.example.edu',
      idSecret: 'x'.repeat(40),
    },
    publicBaseUrl: 'http://127.0.0.1:3999',
    keys: { masterKey: MASTER_KEY.toString('base64') },
    sis: { sources: [{ name: 'main', driver: 'sqlite', connection: { file: 'unused.sqlite' } }] },
    store: { driver: 'sqlite', file: 'unused.sqlite' },
    redis: { url: 'redis://127.0.0.1:6379' },
    delivery: {
      targets,
      retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
      staleAfterSeconds: 30,
      ...delivery,
    },
  });
}

/** Records what was queued; `drain` runs queued work in order (the in-memory edge of the queue). */
export class RecordingQueue implements DeliveryQueue {
  readonly added: { deliveryId: string; attempt: number; delayMs?: number; requeued?: true }[] = [];

  enqueue(deliveryId: string, attempt: number, delayMs?: number): Promise<void> {
    this.added.push({ deliveryId, attempt, ...(delayMs !== undefined ? { delayMs } : {}) });
    return Promise.resolve();
  }

  requeue(deliveryId: string, attempt: number): Promise<void> {
    this.added.push({ deliveryId, attempt, requeued: true });
    return Promise.resolve();
  }

  /** Takes everything queued so far. */
  take(): { deliveryId: string; attempt: number; delayMs?: number; requeued?: true }[] {
    return this.added.splice(0);
  }
}

let signers: Promise<Signer[]> | undefined;

function testSigners(): Promise<Signer[]> {
  signers ??= Promise.all([
    signer(INSTITUTION_ID, 'test-issuer-rsa2048', 'https://clr.example.edu/ims/clr/v1p0'),
    signer(ACCREDITOR_ID, 'test-other-rsa2048', 'https://accreditor.example.org'),
  ]);
  return signers;
}

async function signer(ownerId: string, key: string, base: string): Promise<Signer> {
  const privateKey = readFileSync(join(FIXTURES, 'keys', `${key}.private.pem`), 'utf8');
  return createSigner({
    keyUrl: `${base}/keys/${key}`,
    ownerId,
    revocationListUrl: `${base}/revocations/${key}`,
    privateKey,
  });
}

/** The Clr id of a learner's CLR in these tests. */
export function clrIdOf(learner: string): string {
  return `https://clr.example.edu/ims/clr/v1p0/clrs/${learner}`;
}

/** The store, the provider and helpers to seed versions and deliveries. */
export class DeliveryTestBed {
  private constructor(
    readonly store: PublisherStore,
    readonly provider: RunningStandInProvider,
    private readonly dir: string,
  ) {}

  static async start(): Promise<DeliveryTestBed> {
    const dir = mkdtempSync(join(tmpdir(), 'clr-delivery-'));
    const store = await PublisherStore.open(
      { driver: 'sqlite', file: join(dir, 'publisher.sqlite') },
      { masterKey: MASTER_KEY, migrations: 'apply' },
    );
    const provider = await startProvider();
    return new DeliveryTestBed(store, provider, dir);
  }

  /**
   * Stores the learner's next CLR version (signed; `name` varies the content). The Clr id is
   * the learner's, so a later version replaces the earlier one at the provider.
   */
  async seedVersion(learner: string, name = 'Comprehensive Learner Record'): Promise<ClrVersionEntity> {
    const clr = JSON.parse(readFileSync(join(FIXTURES, 'clr/signed/clr.unsigned.json'), 'utf8')) as Clr;
    clr.id = clrIdOf(learner);
    clr.name = name;
    const signed = await signClr(clr, await testSigners());
    const latest = await this.store.versions.latestVersion(`ref-${learner}`);
    return this.store.versions.storeVersion({
      learnerRef: `ref-${learner}`,
      learnerId: `sis-${learner}`,
      version: (latest?.version ?? 0) + 1,
      contentHash: randomBytes(16).toString('hex'),
      clrId: clr.id,
      signedPayload: signed.signedClr,
      unsignedJson: JSON.stringify(clr),
      issuedOn: new Date(clr.issuedOn),
    });
  }

  /** What the build does after storing a version: one delivery per target, older ones superseded. */
  async deliver(version: ClrVersionEntity, targetIds: string[]): Promise<DeliveryEntity[]> {
    const { deliveries } = await this.store.deliveries.createDeliveries(version.id, targetIds);
    for (const targetId of targetIds) {
      await this.store.deliveries.supersedeOlder(version.learnerRef, targetId, version.version);
    }
    return deliveries;
  }

  /** postClr requests the provider saw for a learner's CLR: [received, accepted]. */
  postsFor(learner: string): [number, number] {
    const counts = this.provider.state.countsByClrId()[clrIdOf(learner)];
    return [counts?.received ?? 0, counts?.accepted ?? 0];
  }

  async close(): Promise<void> {
    await this.provider.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
