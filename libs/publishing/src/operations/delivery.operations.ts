import { type DeliveryQueue } from '@app/delivery';
import {
  DELIVERY_STATUSES,
  type DeliveryEntity,
  type DeliveryStatus,
  type DeliveryTargetEntity,
  type PublisherStore,
} from '@app/store';
import { type OperationActor, actorDetails } from './operation-actor';
import { OperationError, invalidField } from './operation.error';
import {
  type DeliveryDetailView,
  type DeliveryView,
  deliveryDetailView,
  deliveryView,
} from './operation-views';
import { type Page, type PageRequest, pageOf, pagingOf } from './paging';
import { targetNotFound } from './target.operations';

export interface DeliveryListRequest extends PageRequest {
  /** One status, or several comma-separated (`dead,rejected`). */
  status?: string;
  /** A target's name. */
  target?: string;
  /** A learner ref (never a SIS id: it would end up in URLs and logs). */
  learnerRef?: string;
}

export interface RetryDeadResult {
  /** Dead deliveries put back to `pending` and queued. */
  requeued: number;
  target: string | null;
}

const LEARNER_REF = /^[0-9a-f]{32}$/;
const RETRYABLE: readonly DeliveryStatus[] = ['dead', 'rejected'];

/** Deliveries for operators: list and inspect them, send dead or rejected ones again. */
export class DeliveryOperations {
  constructor(
    private readonly store: PublisherStore,
    private readonly queue: DeliveryQueue,
  ) {}

  /**
   * Deliveries newest first, by status, target name and learner ref.
   * @throws OperationError `INVALID_INPUT` (status, learnerRef, limit, offset), `NOT_FOUND` (target).
   */
  async list(request: DeliveryListRequest = {}): Promise<Page<DeliveryView>> {
    const paging = pagingOf(request);
    const statuses = request.status === undefined ? undefined : statusesOf(request.status);
    if (request.learnerRef !== undefined && !LEARNER_REF.test(request.learnerRef)) {
      throw invalidField('learnerRef', 'must be a learner ref (32 hex digits)');
    }
    const target = request.target === undefined ? undefined : await this.target(request.target, 'target');
    const rows = await this.store.deliveries.list({
      ...(statuses !== undefined ? { status: statuses } : {}),
      ...(target !== undefined ? { targetId: target.id } : {}),
      ...(request.learnerRef !== undefined ? { learnerRef: request.learnerRef } : {}),
      limit: paging.limit + 1,
      offset: paging.offset,
    });
    const names = await this.targetNames();
    return pageOf(
      rows.map((row) => deliveryView(row, names.get(row.targetId) ?? null)),
      paging,
    );
  }

  /** @throws OperationError `NOT_FOUND` (`delivery_not_found`). */
  async get(id: string): Promise<DeliveryDetailView> {
    const delivery = await this.delivery(id);
    const target = await this.store.targets.get(delivery.targetId);
    return deliveryDetailView(delivery, target?.name ?? null);
  }

  /**
   * Sends a dead or rejected delivery again: back to `pending` (attempts kept) and queued.
   * @throws OperationError `NOT_FOUND`, `CONFLICT` (`not_retryable`: not dead or rejected;
   *   `target_disabled`: it would only die again).
   */
  async retry(id: string, by: OperationActor): Promise<DeliveryView> {
    const delivery = await this.delivery(id);
    const target = await this.store.targets.get(delivery.targetId);
    if (!RETRYABLE.includes(delivery.status)) {
      throw new OperationError(
        'CONFLICT',
        'not_retryable',
        `delivery ${id} is ${delivery.status}; only dead or rejected deliveries are retried`,
        { details: { status: delivery.status } },
      );
    }
    if (target !== null && !target.enabled) {
      throw new OperationError(
        'CONFLICT',
        'target_disabled',
        `target ${target.name} is disabled; enable it before retrying its deliveries`,
        { details: { target: target.name } },
      );
    }
    if (!(await this.store.deliveries.requeue(id))) {
      const now = await this.delivery(id);
      throw new OperationError(
        'CONFLICT',
        'not_retryable',
        `delivery ${id} changed to ${now.status} meanwhile`,
        {
          details: { status: now.status },
        },
      );
    }
    // Queued after the row is pending; were Redis away now, the sweeper queues it later.
    await this.queue.requeue(id, delivery.attempts);
    await this.store.audit.append({
      actor: by.actor,
      action: 'delivery.retry',
      subject: id,
      details: { from: delivery.status, target: target?.name ?? delivery.targetId, ...actorDetails(by) },
    });
    return deliveryView(await this.delivery(id), target?.name ?? null);
  }

  /**
   * Every dead delivery (of one target, by name, when given) back to `pending` and queued,
   * learners' wallet connections' included. Disabled targets' deliveries (a disconnected
   * wallet's among them) are left dead.
   * @throws OperationError `NOT_FOUND` (target), `CONFLICT` (`target_disabled`).
   */
  async retryDead(options: { target?: string }, by: OperationActor): Promise<RetryDeadResult> {
    const target = options.target === undefined ? undefined : await this.target(options.target, 'target');
    if (target !== undefined && !target.enabled) {
      throw new OperationError(
        'CONFLICT',
        'target_disabled',
        `target ${target.name} is disabled; enable it first`,
        {
          details: { target: target.name },
        },
      );
    }
    const enabled = new Set(
      (await this.store.targets.list({ enabled: true, wallets: true })).map((row) => row.id),
    );
    const seen = new Set<string>();
    let requeued = 0;
    for (;;) {
      // Requeued rows leave `dead`, so each read returns the next ones; `seen` guards a row
      // that could not be requeued (or a disabled target's) from being read forever.
      const rows = await this.store.deliveries.list({
        status: 'dead',
        ...(target !== undefined ? { targetId: target.id } : {}),
        limit: 500,
        offset: seen.size - requeued,
      });
      const fresh = rows.filter((row) => !seen.has(row.id));
      if (fresh.length === 0) break;
      for (const row of fresh) {
        seen.add(row.id);
        if (!enabled.has(row.targetId) || !(await this.store.deliveries.requeue(row.id))) continue;
        await this.queue.requeue(row.id, row.attempts);
        requeued += 1;
      }
    }
    await this.store.audit.append({
      actor: by.actor,
      action: 'delivery.retry-dead',
      subject: target?.name ?? null,
      details: { requeued, ...actorDetails(by) },
    });
    return { requeued, target: target?.name ?? null };
  }

  private async delivery(id: string): Promise<DeliveryEntity> {
    const delivery = /^[0-9a-fA-F-]{36}$/.test(id) ? await this.store.deliveries.get(id) : null;
    if (delivery === null) {
      throw new OperationError('NOT_FOUND', 'delivery_not_found', `no delivery ${id}`, { field: 'id' });
    }
    return delivery;
  }

  private async target(name: string, field: string): Promise<DeliveryTargetEntity> {
    const target = await this.store.targets.getByName(name);
    if (target === null) throw targetNotFound(name, field);
    return target;
  }

  private async targetNames(): Promise<Map<string, string>> {
    return new Map(
      (await this.store.targets.list({ wallets: true })).map((target) => [target.id, target.name]),
    );
  }
}

function statusesOf(value: string): DeliveryStatus[] {
  const statuses = value.split(',').map((status) => status.trim());
  for (const status of statuses) {
    if (!(DELIVERY_STATUSES as readonly string[]).includes(status)) {
      throw invalidField(
        'status',
        `must be one of ${DELIVERY_STATUSES.join(', ')} (comma-separated for several)`,
      );
    }
  }
  return statuses as DeliveryStatus[];
}
