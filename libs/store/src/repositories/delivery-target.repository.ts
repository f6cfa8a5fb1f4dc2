import { type KeyCipher } from '../crypto/key-cipher';
import { type StoreContext } from '../database/store-context';
import {
  DeliveryTargetEntity,
  PAYLOAD_FORMS,
  type PayloadForm,
  TARGET_AUTH_MODES,
  TARGET_ORIGINS,
  type TargetAuthMode,
  type TargetOrigin,
} from '../entities/delivery-target.entity';
import { DeliveryEntity } from '../entities/delivery.entity';
import { StoreError } from '../store.errors';
import { newId, optionalText, requireInt, requireOneOf, requireText } from './repository-helpers';

/** A target as configured. `clientId`/`clientSecret`: undefined keeps the stored value, null clears it. */
export interface DeliveryTargetInput {
  name: string;
  baseUrl: string;
  authMode: TargetAuthMode;
  clientId?: string | null;
  clientSecret?: string | null;
  tokenUrl?: string | null;
  scopes: readonly string[];
  payloadForm: PayloadForm;
  concurrency: number;
  ratePerSecond: number;
  timeoutMs: number;
  enabled: boolean;
  discoveryUrl?: string | null;
  /** Where the target comes from; default `config`. An upsert by name sets it. */
  origin?: TargetOrigin;
}

/** The outcome of an RFC 7591 dynamic registration, to keep. */
export interface TargetRegistration {
  clientId: string;
  clientSecret?: string | null;
  /** The full registration response (it is stored encrypted). */
  response: Record<string, unknown>;
}

/** Delivery targets; client secrets and registration responses are encrypted at rest. */
export class DeliveryTargetRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly cipher: KeyCipher,
  ) {}

  /** Inserts the target or updates the one with the same name (configuration is the source). */
  async upsert(input: DeliveryTargetInput): Promise<{ target: DeliveryTargetEntity; created: boolean }> {
    const fields = checkTarget(input);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const existing = await m.findOneBy(DeliveryTargetEntity, { name: fields.name });
      const id = existing?.id ?? newId();
      const secrets: Partial<DeliveryTargetEntity> = {};
      if (input.clientId !== undefined) secrets.clientId = optionalText(input.clientId, 'clientId', 255);
      if (input.clientSecret !== undefined) {
        secrets.clientSecretEnc =
          input.clientSecret === null ? null : this.cipher.encrypt(input.clientSecret, secretContext(id));
      }
      if (existing) {
        await m.update(DeliveryTargetEntity, { id }, { ...fields, ...secrets, updatedAt: now });
        return { target: await m.findOneByOrFail(DeliveryTargetEntity, { id }), created: false };
      }
      const target = Object.assign(new DeliveryTargetEntity(), {
        id,
        ...fields,
        clientId: null,
        clientSecretEnc: null,
        registrationEnc: null,
        ...secrets,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(DeliveryTargetEntity, target);
      return { target, created: true };
    });
  }

  async get(id: string): Promise<DeliveryTargetEntity | null> {
    return this.ctx.run((m) => m.findOneBy(DeliveryTargetEntity, { id }));
  }

  async getByName(name: string): Promise<DeliveryTargetEntity | null> {
    return this.ctx.run((m) => m.findOneBy(DeliveryTargetEntity, { name }));
  }

  /**
   * Targets by name, only enabled (or disabled) ones when asked. Learners' wallet connections (origin `wallet`) are left out unless
   * `wallets: true`: every learner's CLR goes to the others, only one learner's to a wallet.
   */
  async list(options: { enabled?: boolean; wallets?: boolean } = {}): Promise<DeliveryTargetEntity[]> {
    const rows = await this.ctx.run((m) =>
      m.find(DeliveryTargetEntity, {
        where: options.enabled === undefined ? {} : { enabled: options.enabled },
        order: { name: 'ASC' },
      }),
    );
    return options.wallets === true ? rows : rows.filter((row) => row.origin !== 'wallet');
  }

  /**
   * Deletes a target that never got a delivery (e.g. a runtime target whose registration
   * failed). False for an unknown id; `INVALID_ARGUMENT` when deliveries refer to it.
   */
  async delete(id: string): Promise<boolean> {
    return this.ctx.transaction(async (m) => {
      if (await m.existsBy(DeliveryEntity, { targetId: id })) {
        throw new StoreError('INVALID_ARGUMENT', `delivery target ${id} has deliveries; disable it instead`);
      }
      const result = await m.delete(DeliveryTargetEntity, { id });
      return (result.affected ?? 0) > 0;
    });
  }

  /** Turns a target on or off; false for an unknown name. */
  async setEnabled(name: string, enabled: boolean): Promise<boolean> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(DeliveryTargetEntity, { name }, { enabled, updatedAt: now }),
    );
    return result.affected === 1;
  }

  /** The decrypted client secret, or null when none is stored. */
  clientSecret(target: DeliveryTargetEntity): string | null {
    return target.clientSecretEnc === null
      ? null
      : this.cipher.decrypt(target.clientSecretEnc, secretContext(target.id));
  }

  /** Keeps the client obtained by dynamic registration. Throws `NOT_FOUND` for an unknown target. */
  async saveRegistration(targetId: string, registration: TargetRegistration): Promise<void> {
    const clientId = requireText(registration.clientId, 'registration.clientId', 255);
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(
        DeliveryTargetEntity,
        { id: targetId },
        {
          clientId,
          clientSecretEnc:
            registration.clientSecret === undefined || registration.clientSecret === null
              ? null
              : this.cipher.encrypt(registration.clientSecret, secretContext(targetId)),
          registrationEnc: this.cipher.encrypt(
            JSON.stringify(registration.response),
            registrationContext(targetId),
          ),
          updatedAt: now,
        },
      ),
    );
    if (result.affected !== 1)
      throw new StoreError('NOT_FOUND', `delivery target ${targetId} does not exist`);
  }

  /** The stored registration response, decrypted, or null. */
  registration(target: DeliveryTargetEntity): Record<string, unknown> | null {
    if (target.registrationEnc === null) return null;
    return JSON.parse(this.cipher.decrypt(target.registrationEnc, registrationContext(target.id))) as Record<
      string,
      unknown
    >;
  }
}

/** A target's scopes as a list. */
export function targetScopes(target: Pick<DeliveryTargetEntity, 'scopes'>): string[] {
  return target.scopes.split(' ').filter((scope) => scope !== '');
}

function secretContext(targetId: string): string {
  return `delivery-target:${targetId}:client-secret`;
}

function registrationContext(targetId: string): string {
  return `delivery-target:${targetId}:registration`;
}

function checkTarget(
  input: DeliveryTargetInput,
): Omit<
  DeliveryTargetEntity,
  'id' | 'clientId' | 'clientSecretEnc' | 'registrationEnc' | 'createdAt' | 'updatedAt'
> {
  const name = requireText(input.name, 'name', 100);
  const where = `target ${name}`;
  if (!Array.isArray(input.scopes) || input.scopes.length === 0) {
    throw new StoreError('INVALID_ARGUMENT', `${where}: scopes must list at least one scope`);
  }
  input.scopes.forEach((scope, index) => {
    if (typeof scope !== 'string' || scope === '' || /\s/.test(scope)) {
      throw new StoreError(
        'INVALID_ARGUMENT',
        `${where}: scopes[${index}] must be a non-empty token without spaces`,
      );
    }
  });
  const scopes = input.scopes.join(' ');
  requireText(scopes, `${where}: scopes`, 1000);
  if (
    typeof input.ratePerSecond !== 'number' ||
    !(input.ratePerSecond > 0) ||
    !Number.isFinite(input.ratePerSecond)
  ) {
    throw new StoreError('INVALID_ARGUMENT', `${where}: ratePerSecond must be a positive number`);
  }
  if (typeof input.enabled !== 'boolean')
    throw new StoreError('INVALID_ARGUMENT', `${where}: enabled must be true or false`);
  return {
    name,
    baseUrl: requireText(input.baseUrl, `${where}: baseUrl`, 500),
    authMode: requireOneOf(input.authMode, TARGET_AUTH_MODES, `${where}: authMode`),
    tokenUrl: optionalText(input.tokenUrl, `${where}: tokenUrl`, 500),
    scopes,
    payloadForm: requireOneOf(input.payloadForm, PAYLOAD_FORMS, `${where}: payloadForm`),
    concurrency: requireInt(input.concurrency, `${where}: concurrency`, 1, 10_000),
    ratePerSecond: input.ratePerSecond,
    timeoutMs: requireInt(input.timeoutMs, `${where}: timeoutMs`, 1),
    enabled: input.enabled,
    discoveryUrl: optionalText(input.discoveryUrl, `${where}: discoveryUrl`, 500),
    origin: requireOneOf(input.origin ?? 'config', TARGET_ORIGINS, `${where}: origin`),
  };
}
