import { type AppConfig } from '@app/config';
import { CLR_SCOPES, type DiscoveryDocument } from '@app/clr';
import {
  type DeliveryTargetEntity,
  isUniqueViolation,
  type PayloadForm,
  type StoreRepositories,
  type TargetOrigin,
  targetOriginOf,
  targetScopes,
} from '@app/store';
import { type ProviderDiscoveryClient } from '../discovery/provider-discovery.client';
import { DeliveryError } from '../errors/delivery-error';
import { clrApiUrl, providerUrl } from '../http/target-url';
import { type ClientCredentials } from '../oauth/oauth-token.client';
import { clientCredentialsRegistration, type PublisherSoftware } from '../registration/client-registration';
import { type DynamicRegistrationClient } from '../registration/dynamic-registration.client';
import { storedRegistrationOf, usableRegistration } from './stored-registration';
import { targetInputOf } from './target-config';

/** How long a client a provider refused must have been registered before it is replaced. */
const REREGISTER_COOLDOWN_MS = 10 * 60_000;

/** What {@link DeliveryTargetService.syncFromConfig} did with one target. */
export interface TargetSyncReport {
  name: string;
  id: string;
  /** `runtime`: added by an operator; the sync leaves it as it is (and resolves its credentials). */
  origin: TargetOrigin;
  enabled: boolean;
  /** The row was inserted (first time this target was configured). */
  created: boolean;
  /** In the store but no longer configured: disabled. */
  removedFromConfig: boolean;
  /**
   * `ready`: credentials are usable (configured, or registered now or before); `skipped`: not
   * resolved (disabled, or not asked); otherwise why not, e.g. the provider was down. Deliveries
   * try again by themselves, so this is a report, never a startup failure.
   */
  credentials:
    'ready' | 'skipped' | { error: string; code: DeliveryError['code'] | 'error'; retryable: boolean };
}

/** The path every CLR 1.0 discovery URL ends in; what is before it is the provider's base URL. */
const DISCOVERY_SUFFIX = '/ims/clr/v1p0/discovery';

/** A target an operator adds at run time: dynamic registration from its discovery document. */
export interface RuntimeTargetInput {
  name: string;
  /** The provider's DiscoveryDocument URL (https; plain http only on loopback). */
  discoveryUrl: string;
  /** Default: `discoveryUrl` less `/ims/clr/v1p0/discovery` (required when it does not end so). */
  baseUrl?: string;
  /** Default: the replace scope postClr needs. */
  scopes?: string[];
  /** Default `signedClr`. */
  payloadForm?: PayloadForm;
  /** Defaults as for configured targets: 4, 10, 30 000 ms. */
  concurrency?: number;
  ratePerSecond?: number;
  timeoutMs?: number;
}

export interface DeliveryTargetServiceOptions {
  /** Who registers with providers (dynamic registration). */
  software: PublisherSoftware;
  /** The clients check URLs with it (`requireHttps`, default true: plain http only to loopback). */
  requireHttps?: boolean;
  /** How long a fetched discovery document is reused, ms. Default 1 h. */
  discoveryTtlMs?: number;
  now?: () => Date;
}

interface CachedDiscovery {
  url: string;
  document: DiscoveryDocument;
  fetchedAt: number;
}

/**
 * The delivery targets: configuration -> store rows, and the OAuth client credentials of each
 * target. Client-credentials targets use the configured client (token URL configured, or from
 * the provider's discovery document). Dynamic-registration targets register once (RFC 7591, the
 * client-credentials grant, `client_secret_basic`) at the `registrationUrl` of the discovery
 * document, keep the client encrypted in the store and reuse it; {@link reregister} replaces a
 * client the provider has forgotten.
 *
 * Two processes registering the same new target at once each get a client and the last one
 * saved is kept; the other stays valid at the provider, unused. Registration is per target and
 * rare, so this is accepted rather than locked across processes.
 */
export class DeliveryTargetService {
  private readonly discoveries = new Map<string, CachedDiscovery>();
  private readonly registering = new Map<string, Promise<ClientCredentials>>();
  private readonly discoveryTtlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: Pick<StoreRepositories, 'targets' | 'audit'>,
    private readonly config: Pick<AppConfig, 'delivery'>,
    private readonly discovery: ProviderDiscoveryClient,
    private readonly registration: DynamicRegistrationClient,
    private readonly options: DeliveryTargetServiceOptions,
  ) {
    this.discoveryTtlMs = options.discoveryTtlMs ?? 3_600_000;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Writes the configured targets into the store by name (the configuration is the source:
   * `enabled: false` disables, a target no longer configured is disabled too), then resolves the
   * credentials of the enabled ones unless `resolveCredentials` is false. Targets an operator
   * added at run time (`origin: runtime`) are left as they are, unless the configuration now
   * names one: then it becomes a configured target. Network failures are reported per target,
   * never thrown.
   */
  async syncFromConfig(options: { resolveCredentials?: boolean } = {}): Promise<TargetSyncReport[]> {
    const reports: TargetSyncReport[] = [];
    const configured = new Set<string>();
    for (const targetConfig of this.config.delivery.targets) {
      configured.add(targetConfig.name);
      const { target, created } = await this.upsert(targetConfig);
      reports.push({
        name: target.name,
        id: target.id,
        origin: 'config',
        enabled: target.enabled,
        created,
        removedFromConfig: false,
        credentials: 'skipped',
      });
    }
    for (const stored of await this.store.targets.list()) {
      if (configured.has(stored.name)) continue;
      if (targetOriginOf(stored) === 'runtime') {
        // An operator added it: the configuration neither knows nor owns it.
        reports.push({
          name: stored.name,
          id: stored.id,
          origin: 'runtime',
          enabled: stored.enabled,
          created: false,
          removedFromConfig: false,
          credentials: 'skipped',
        });
        continue;
      }
      if (stored.enabled) await this.store.targets.setEnabled(stored.name, false);
      reports.push({
        name: stored.name,
        id: stored.id,
        origin: 'config',
        enabled: false,
        created: false,
        removedFromConfig: true,
        credentials: 'skipped',
      });
    }
    if (options.resolveCredentials === false) return reports;
    for (const report of reports) {
      if (!report.enabled) continue;
      const target = await this.store.targets.get(report.id);
      if (target === null) continue;
      try {
        await this.credentialsFor(target);
        report.credentials = 'ready';
      } catch (error) {
        report.credentials =
          error instanceof DeliveryError
            ? { error: error.message, code: error.code, retryable: error.retryable }
            : {
                error: error instanceof Error ? error.message : String(error),
                code: 'error',
                retryable: false,
              };
      }
    }
    return reports;
  }

  /**
   * Adds a dynamic-registration target at run time (`origin: runtime`): the discovery document
   * is fetched and checked, the target stored disabled, registered (RFC 7591), then enabled. If
   * anything fails nothing is kept. The caller checks the name is free.
   *
   * @throws DeliveryError `invalid_target` (a URL that is not http(s), not https off loopback, or
   *   no base URL to derive), `discovery_invalid`, `registration_rejected`, `unreachable`,
   *   `provider_unavailable`.
   */
  async addRuntimeTarget(input: RuntimeTargetInput): Promise<DeliveryTargetEntity> {
    const discoveryUrl = providerUrl(input.discoveryUrl, 'discoveryUrl', this.urlPolicy()).toString();
    const baseUrl = input.baseUrl ?? baseUrlOf(discoveryUrl);
    providerUrl(baseUrl, 'baseUrl', this.urlPolicy());
    const scopes = input.scopes ?? [CLR_SCOPES.replace];
    await this.discovery.discoverAt(discoveryUrl, scopes);
    const { target } = await this.store.targets.upsert({
      name: input.name,
      baseUrl,
      authMode: 'dynamic_registration',
      tokenUrl: null,
      discoveryUrl,
      scopes,
      payloadForm: input.payloadForm ?? 'signedClr',
      concurrency: input.concurrency ?? 4,
      ratePerSecond: input.ratePerSecond ?? 10,
      timeoutMs: input.timeoutMs ?? 30_000,
      // Enabled once registered, so no build gives it deliveries before it can take them.
      enabled: false,
      origin: 'runtime',
    });
    try {
      await this.register(target);
    } catch (error) {
      await this.store.targets.delete(target.id);
      throw error;
    }
    await this.store.targets.setEnabled(target.name, true);
    return (await this.store.targets.get(target.id))!;
  }

  /** The enabled targets, by name: where a new CLR version gets one delivery each. */
  activeTargets(): Promise<DeliveryTargetEntity[]> {
    return this.store.targets.list({ enabled: true });
  }

  /** A target by id (null when unknown). */
  target(id: string): Promise<DeliveryTargetEntity | null> {
    return this.store.targets.get(id);
  }

  /**
   * The client credentials to post to a target with, registering first when a
   * dynamic-registration target has no usable client yet.
   *
   * @throws DeliveryError `invalid_target` (no client configured, bad URLs), `discovery_invalid`,
   *   `registration_rejected`, or retryable `unreachable` / `provider_unavailable`.
   */
  async credentialsFor(target: DeliveryTargetEntity): Promise<ClientCredentials> {
    const scopes = targetScopes(target);
    switch (target.authMode) {
      case 'client_credentials': {
        const clientSecret = this.store.targets.clientSecret(target);
        if (target.clientId === null || clientSecret === null) {
          throw new DeliveryError('invalid_target', `target ${target.name} has no client id and secret`);
        }
        const tokenUrl = target.tokenUrl ?? (await this.discover(target)).tokenUrl;
        return { tokenUrl, clientId: target.clientId, clientSecret, scopes };
      }
      case 'dynamic_registration': {
        const stored = usableRegistration(
          this.store.targets.registration(target),
          { clientId: target.clientId, discoveryUrl: this.discoveryUrlOf(target) },
          this.now(),
        );
        const clientSecret = this.store.targets.clientSecret(target);
        if (stored !== undefined && target.clientId !== null && clientSecret !== null) {
          return { tokenUrl: stored.tokenUrl, clientId: target.clientId, clientSecret, scopes };
        }
        return this.register(target);
      }
      case 'wallet':
        // A learner's wallet connection posts with that learner's token (WalletTokenSource).
        throw new DeliveryError('invalid_target', `target ${target.name} is a wallet connection`);
    }
  }

  /**
   * Registers a dynamic-registration target again because the provider refused `rejectedClientId`
   * (`invalid_client`: it forgot the client). When another job already replaced that client,
   * its new one is returned without registering twice. A client registered less than 10 minutes
   * ago is not replaced: a provider that refuses the clients it has just registered (it wants
   * another token authentication, say) would otherwise get a new registration per delivery.
   *
   * @throws DeliveryError as {@link credentialsFor}; `invalid_target` for a client-credentials
   *   target (its client is configured: only an operator can fix it).
   */
  async reregister(target: DeliveryTargetEntity, rejectedClientId: string): Promise<ClientCredentials> {
    if (target.authMode !== 'dynamic_registration') {
      throw new DeliveryError('invalid_target', `target ${target.name} uses configured client credentials`);
    }
    const pending = this.registering.get(target.id);
    if (pending !== undefined) return pending;
    const current = await this.store.targets.get(target.id);
    if (current === null) throw new DeliveryError('invalid_target', `target ${target.name} no longer exists`);
    if (current.clientId !== null && current.clientId !== rejectedClientId)
      return this.credentialsFor(current);
    const registeredAt = Date.parse(String(this.store.targets.registration(current)?.['registeredAt']));
    const sinceMs = this.now().getTime() - registeredAt;
    if (current.clientId === rejectedClientId && sinceMs >= 0 && sinceMs < REREGISTER_COOLDOWN_MS) {
      throw new DeliveryError(
        'token_rejected',
        `target ${current.name} refused the client it registered ${Math.round(sinceMs / 1000)} s ago ` +
          `(invalid_client); it is registered again no sooner than 10 minutes after: check what its ` +
          `token endpoint expects`,
        { oauthError: 'invalid_client' },
      );
    }
    return this.register(current);
  }

  private register(target: DeliveryTargetEntity): Promise<ClientCredentials> {
    const pending = this.registering.get(target.id);
    if (pending !== undefined) return pending;
    const work = this.registerNow(target).finally(() => this.registering.delete(target.id));
    this.registering.set(target.id, work);
    return work;
  }

  private async registerNow(target: DeliveryTargetEntity): Promise<ClientCredentials> {
    const scopes = targetScopes(target);
    // A fresh document: the registration URL may have moved since the last one.
    const document = await this.discover(target, true);
    const registered = await this.registration.register(
      document.registrationUrl,
      clientCredentialsRegistration(this.options.software, scopes),
    );
    if (registered.tokenEndpointAuthMethod !== 'client_secret_basic') {
      throw new DeliveryError(
        'registration_rejected',
        `target ${target.name}: the provider registered token_endpoint_auth_method ${registered.tokenEndpointAuthMethod}; only client_secret_basic is supported`,
      );
    }
    const discoveryUrl = this.discoveryUrlOf(target);
    await this.store.targets.saveRegistration(target.id, {
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      response: {
        ...storedRegistrationOf(
          registered,
          { tokenUrl: document.tokenUrl, registrationUrl: document.registrationUrl, discoveryUrl },
          this.now(),
        ),
      },
    });
    await this.store.audit.append({
      actor: 'system',
      action: 'delivery.target.registered',
      subject: target.name,
      details: {
        targetId: target.id,
        clientId: registered.clientId,
        registrationUrl: document.registrationUrl,
      },
    });
    return {
      tokenUrl: document.tokenUrl,
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      scopes,
    };
  }

  private discoveryUrlOf(target: DeliveryTargetEntity): string {
    return target.discoveryUrl ?? clrApiUrl(target.baseUrl, '/discovery', this.urlPolicy()).toString();
  }

  private async discover(target: DeliveryTargetEntity, fresh = false): Promise<DiscoveryDocument> {
    const url = this.discoveryUrlOf(target);
    const cached = this.discoveries.get(target.id);
    const now = this.now().getTime();
    if (
      !fresh &&
      cached !== undefined &&
      cached.url === url &&
      now - cached.fetchedAt < this.discoveryTtlMs
    ) {
      return cached.document;
    }
    const document = await this.discovery.discoverAt(url, targetScopes(target));
    this.discoveries.set(target.id, { url, document, fetchedAt: now });
    return document;
  }

  private urlPolicy(): { requireHttps?: boolean } {
    return this.options.requireHttps === undefined ? {} : { requireHttps: this.options.requireHttps };
  }

  private async upsert(targetConfig: AppConfig['delivery']['targets'][number]) {
    const input = targetInputOf(targetConfig);
    try {
      return await this.store.targets.upsert(input);
    } catch (error) {
      // Another process inserted the same new target a moment ago: now it is an update.
      if (!isUniqueViolation(error)) throw error;
      return this.store.targets.upsert(input);
    }
  }
}

/** The provider base URL a discovery URL names (`{base}/ims/clr/v1p0/discovery`). */
function baseUrlOf(discoveryUrl: string): string {
  const url = new URL(discoveryUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(DISCOVERY_SUFFIX) || url.search !== '') {
    throw new DeliveryError(
      'invalid_target',
      `baseUrl is needed: discoveryUrl does not end in ${DISCOVERY_SUFFIX}, so the provider's base URL cannot be derived from it`,
    );
  }
  url.pathname = path.slice(0, -DISCOVERY_SUFFIX.length) || '/';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}
