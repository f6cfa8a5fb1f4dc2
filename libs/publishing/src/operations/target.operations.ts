import { type AppConfig } from '@app/config';
import { DeliveryError, type DeliveryTargetService } from '@app/delivery';
import {
  PAYLOAD_FORMS,
  type PayloadForm,
  type PublisherStore,
  isUniqueViolation,
  targetOriginOf,
} from '@app/store';
import { type OperationActor, actorDetails } from './operation-actor';
import { OperationError, invalidField } from './operation.error';
import { type TargetView, targetView } from './operation-views';

/** A target to add at run time (dynamic registration from its discovery document). */
export interface AddTargetRequest {
  name: unknown;
  discoveryUrl: unknown;
  /** Default: `discoveryUrl` less `/ims/clr/v1p0/discovery`. */
  baseUrl?: unknown;
  scopes?: unknown;
  payload?: unknown;
  concurrency?: unknown;
  ratePerSecond?: unknown;
  timeoutMs?: unknown;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Delivery targets for operators: list them, add one at run time, turn one off or on.
 * Configured targets (`origin: config`) come from `delivery.targets` and are synced by name at
 * worker start, which re-applies their `enabled`; targets added here (`origin: runtime`) are
 * never touched by that sync. See the delivery README, "Targets added at run time".
 */
export class TargetOperations {
  constructor(
    private readonly store: PublisherStore,
    private readonly targets: DeliveryTargetService,
    private readonly config: Pick<AppConfig, 'delivery'>,
  ) {}

  /** Every target by name, with its deliveries per status. */
  async list(): Promise<TargetView[]> {
    const targets = await this.store.targets.list();
    return Promise.all(
      targets.map(async (target) => targetView(target, await this.store.deliveries.countByStatus(target.id))),
    );
  }

  /** @throws OperationError `NOT_FOUND` (`target_not_found`). */
  async get(name: string): Promise<TargetView> {
    const target = await this.store.targets.getByName(name);
    if (target === null) throw notFound(name);
    return targetView(target, await this.store.deliveries.countByStatus(target.id));
  }

  /**
   * Adds a dynamic-registration target: discovery checked, registered, enabled; nothing kept
   * when a step fails.
   * @throws OperationError `INVALID_INPUT` (a field, a URL that is not https ...), `CONFLICT`
   *   (`target_exists`), `UNPROCESSABLE` (`discovery_failed`, `registration_failed`: why).
   */
  async add(request: AddTargetRequest, by: OperationActor): Promise<TargetView> {
    const input = this.checkAdd(request);
    const existing = await this.store.targets.getByName(input.name);
    if (existing !== null || this.config.delivery.targets.some((target) => target.name === input.name)) {
      throw new OperationError(
        'CONFLICT',
        'target_exists',
        `a delivery target named "${input.name}" exists already (${existing === null ? 'config' : targetOriginOf(existing)})`,
        { field: 'name' },
      );
    }
    let added;
    try {
      added = await this.targets.addRuntimeTarget(input);
    } catch (error) {
      throw refusalOf(error, input.name);
    }
    await this.store.audit.append({
      actor: by.actor,
      action: 'target.add',
      subject: added.name,
      details: {
        targetId: added.id,
        discoveryUrl: added.discoveryUrl,
        clientId: added.clientId,
        ...actorDetails(by),
      },
    });
    return targetView(added, await this.store.deliveries.countByStatus(added.id));
  }

  /**
   * Turns a target on or off (new versions get deliveries only for enabled targets; a disabled
   * target's pending deliveries go dead when tried). Idempotent.
   * @throws OperationError `NOT_FOUND`.
   */
  async setEnabled(name: string, enabled: boolean, by: OperationActor): Promise<TargetView> {
    const before = await this.store.targets.getByName(name);
    if (before === null || !(await this.store.targets.setEnabled(name, enabled))) throw notFound(name);
    await this.store.audit.append({
      actor: by.actor,
      action: enabled ? 'target.enable' : 'target.disable',
      subject: name,
      details: {
        origin: targetOriginOf(before),
        was: before.enabled ? 'enabled' : 'disabled',
        ...actorDetails(by),
      },
    });
    return this.get(name);
  }

  private checkAdd(request: AddTargetRequest) {
    if (typeof request.name !== 'string' || !NAME.test(request.name)) {
      throw invalidField('name', 'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit');
    }
    if (typeof request.discoveryUrl !== 'string' || request.discoveryUrl.trim() === '') {
      throw invalidField('discoveryUrl', "must be the URL of the provider's discovery document");
    }
    if (
      request.baseUrl !== undefined &&
      (typeof request.baseUrl !== 'string' || request.baseUrl.trim() === '')
    ) {
      throw invalidField('baseUrl', 'must be a URL');
    }
    let scopes: string[] | undefined;
    if (request.scopes !== undefined) {
      if (
        !Array.isArray(request.scopes) ||
        request.scopes.length === 0 ||
        !request.scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))
      ) {
        throw invalidField('scopes', 'must be a non-empty list of scope URIs');
      }
      scopes = request.scopes as string[];
    }
    if (request.payload !== undefined && !(PAYLOAD_FORMS as readonly unknown[]).includes(request.payload)) {
      throw invalidField('payload', `must be one of ${PAYLOAD_FORMS.join(', ')}`);
    }
    const concurrency = numberField('concurrency', request.concurrency, 1, 256, true);
    const ratePerSecond = numberField('ratePerSecond', request.ratePerSecond, 0.01, 10_000, false);
    const timeoutMs = numberField('timeoutMs', request.timeoutMs, 100, 600_000, true);
    const staleAfterMs = this.config.delivery.staleAfterSeconds * 1000;
    if ((timeoutMs ?? 30_000) * 2 >= staleAfterMs) {
      throw invalidField(
        'timeoutMs',
        `must be less than half of delivery.staleAfterSeconds (${staleAfterMs / 1000} s), or a slow post would be claimed twice`,
      );
    }
    return {
      name: request.name,
      discoveryUrl: request.discoveryUrl.trim(),
      ...(typeof request.baseUrl === 'string' ? { baseUrl: request.baseUrl.trim() } : {}),
      ...(scopes !== undefined ? { scopes } : {}),
      ...(request.payload !== undefined ? { payloadForm: request.payload as PayloadForm } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    };
  }
}

function notFound(name: string): OperationError {
  return targetNotFound(name, 'name');
}

/**
 * No target has this name. The name is quoted only when it could be one: other text an operator
 * typed (a learner's name pasted in the wrong field) stays out of answers and logs.
 */
export function targetNotFound(name: string, field: string): OperationError {
  const which = NAME.test(name)
    ? `named "${name}"`
    : "with the name given (names are letters, digits, '-' and '_')";
  return new OperationError('NOT_FOUND', 'target_not_found', `no delivery target ${which}`, { field });
}

function numberField(
  field: string,
  value: unknown,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw invalidField(field, `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** What a failed add tells the operator: the URL at fault (400), or why the provider failed (422). */
function refusalOf(error: unknown, name: string): unknown {
  if (isUniqueViolation(error)) {
    return new OperationError(
      'CONFLICT',
      'target_exists',
      `a delivery target named "${name}" exists already`,
      {
        field: 'name',
      },
    );
  }
  if (!(error instanceof DeliveryError)) return error;
  if (error.code === 'invalid_target') {
    const field = /^(discoveryUrl|baseUrl)\b/.exec(error.message)?.[1] ?? 'discoveryUrl';
    return new OperationError('INVALID_INPUT', 'invalid_request', error.message, { field, cause: error });
  }
  const code =
    error.code === 'discovery_invalid'
      ? 'discovery_failed'
      : error.code === 'unreachable' || error.code === 'provider_unavailable'
        ? 'provider_unavailable'
        : 'registration_failed';
  return new OperationError('UNPROCESSABLE', code, `the provider could not be added: ${error.message}`, {
    field: 'discoveryUrl',
    details: {
      reason: error.code,
      ...(error.details.status !== undefined ? { status: error.details.status } : {}),
    },
    cause: error,
  });
}
