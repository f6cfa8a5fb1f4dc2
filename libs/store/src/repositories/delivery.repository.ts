import { type EntityManager, In, IsNull, LessThan, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import { ClrVersionEntity } from '../entities/clr-version.entity';
import { DeliveryTargetEntity } from '../entities/delivery-target.entity';
import { DELIVERY_STATUSES, DeliveryEntity, type DeliveryStatus } from '../entities/delivery.entity';
import { StoreError } from '../store.errors';
import {
  chunks,
  clip,
  column,
  insertUnlessExists,
  limitOf,
  newId,
  oneOrMany,
  requireDate,
  requireInt,
} from './repository-helpers';

/** Statuses a delivery job may claim. */
export const CLAIMABLE_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying'];
/** Statuses that still mean "not delivered yet, will be tried". */
export const OPEN_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying', 'in_flight'];
/** Statuses the supersede rule replaces (an in-flight request is left to finish). */
const SUPERSEDABLE: DeliveryStatus[] = ['pending', 'retrying'];

export interface CreateDeliveriesResult {
  /** The version's delivery to each requested target (new or already there), in target order. */
  deliveries: DeliveryEntity[];
  /** Ids of the deliveries this call created. */
  created: string[];
}

/** What the provider answered (bodies are imsx_StatusInfo JSON, kept as received). */
export interface DeliveryResponse {
  httpStatus?: number | null;
  imsxBody?: string | null;
}

export interface DeliveryFailure extends DeliveryResponse {
  /** Short cause, no personal data (clipped to 1000 characters). */
  error: string;
}

export interface DeliveryListQuery {
  status?: DeliveryStatus | readonly DeliveryStatus[];
  targetId?: string;
  learnerRef?: string;
  /** Default 100, at most 1000. Newest first. */
  limit?: number;
  offset?: number;
}

/** Deliveries and their state machine. Every transition is a guarded UPDATE: it happens at most once. */
export class DeliveryRepository {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * One delivery of the version per target, idempotent: a target that already has a delivery
   * of this version keeps it. Throws `NOT_FOUND` for an unknown version or target.
   */
  async createDeliveries(versionId: string, targetIds: readonly string[]): Promise<CreateDeliveriesResult> {
    const wanted = [...new Set(targetIds)];
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const version = await m.findOne(ClrVersionEntity, {
        select: { id: true, learnerRef: true, version: true },
        where: { id: versionId },
      });
      if (!version) throw new StoreError('NOT_FOUND', `CLR version ${versionId} does not exist`);
      const known = new Set<string>();
      for (const ids of chunks(wanted)) {
        const rows = await m.find(DeliveryTargetEntity, { select: { id: true }, where: { id: In(ids) } });
        rows.forEach((row) => known.add(row.id));
      }
      const unknown = wanted.filter((id) => !known.has(id));
      if (unknown.length > 0)
        throw new StoreError('NOT_FOUND', `delivery targets do not exist: ${unknown.join(', ')}`);

      const existing = await this.forVersion(m, versionId);
      const created: string[] = [];
      for (const targetId of wanted) {
        if (existing.has(targetId)) continue;
        const row = Object.assign(new DeliveryEntity(), {
          id: newId(),
          targetId,
          learnerRef: version.learnerRef,
          clrVersionId: version.id,
          versionNumber: version.version,
          status: 'pending',
          attempts: 0,
          lastHttpStatus: null,
          lastError: null,
          imsxBody: null,
          nextAttemptAt: null,
          deliveredAt: null,
          createdAt: now,
          updatedAt: now,
        } satisfies DeliveryEntity);
        // A concurrent creator may win the unique (target, version); its row is then used.
        if (await insertUnlessExists(m, (inner) => inner.insert(DeliveryEntity, row))) created.push(row.id);
      }
      const all = await this.forVersion(m, versionId);
      return { deliveries: wanted.map((id) => all.get(id)!), created };
    });
  }

  /**
   * The supersede rule: pending or retrying deliveries of older versions of the learner's CLR to
   * the target become `superseded` (the newer version replaces them at the provider anyway).
   * Returns the ids it superseded.
   */
  async supersedeOlder(learnerRef: string, targetId: string, versionNumber: number): Promise<string[]> {
    requireInt(versionNumber, 'versionNumber', 1);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const older = {
        learnerRef,
        targetId,
        versionNumber: LessThan(versionNumber),
        status: In(SUPERSEDABLE),
      };
      const candidates = await m.find(DeliveryEntity, { select: { id: true }, where: older });
      if (candidates.length === 0) return [];
      const superseded: string[] = [];
      // Guarded per row: a delivery claimed meanwhile is left alone and not reported.
      for (const { id } of candidates) {
        const result = await m.update(
          DeliveryEntity,
          { id, status: In(SUPERSEDABLE) },
          { status: 'superseded', nextAttemptAt: null, updatedAt: now },
        );
        if (result.affected === 1) superseded.push(id);
      }
      return superseded;
    });
  }

  /**
   * Claims a delivery for sending: `pending`/`retrying` -> `in_flight`, attempts + 1, in one
   * guarded UPDATE. Returns the claimed row, or null when someone else holds it or it is settled
   * (so a replayed job does nothing). With `staleBefore`, an `in_flight` delivery last touched
   * before that time (its worker died) can be claimed again.
   */
  async claim(id: string, options: { staleBefore?: Date } = {}): Promise<DeliveryEntity | null> {
    const staleBefore =
      options.staleBefore === undefined ? undefined : requireDate(options.staleBefore, 'staleBefore');
    const now = this.ctx.now();
    return this.ctx.run(async (m) => {
      const attempts = column(m, 'attempts');
      const set = { status: 'in_flight' as const, attempts: () => `${attempts} + 1`, updatedAt: now };
      let result = await m.update(DeliveryEntity, { id, status: In(CLAIMABLE_STATUSES) }, set);
      if (result.affected !== 1 && staleBefore !== undefined) {
        result = await m.update(
          DeliveryEntity,
          { id, status: 'in_flight', updatedAt: LessThan(staleBefore) },
          set,
        );
      }
      return result.affected === 1 ? m.findOneBy(DeliveryEntity, { id }) : null;
    });
  }

  /** `in_flight` -> `delivered`. */
  async markDelivered(id: string, response: DeliveryResponse = {}): Promise<boolean> {
    const now = this.ctx.now();
    return this.transition(id, ['in_flight'], {
      status: 'delivered',
      deliveredAt: now,
      nextAttemptAt: null,
      lastError: null,
      ...responseFields(response),
    });
  }

  /** `in_flight` -> `retrying`, to be claimed again at `nextAttemptAt`. */
  async markRetrying(id: string, failure: DeliveryFailure & { nextAttemptAt: Date }): Promise<boolean> {
    return this.transition(id, ['in_flight'], {
      status: 'retrying',
      nextAttemptAt: requireDate(failure.nextAttemptAt, 'nextAttemptAt'),
      ...failureFields(failure),
    });
  }

  /** `in_flight`/`retrying` -> `dead`: retries exhausted. */
  async markDead(id: string, failure: DeliveryFailure): Promise<boolean> {
    return this.transition(id, ['in_flight', 'retrying'], {
      status: 'dead',
      nextAttemptAt: null,
      ...failureFields(failure),
    });
  }

  /** `in_flight` -> `rejected`: the provider refused the CLR for good (a 4xx other than 401/429). */
  async markRejected(id: string, failure: DeliveryFailure): Promise<boolean> {
    return this.transition(id, ['in_flight'], {
      status: 'rejected',
      nextAttemptAt: null,
      ...failureFields(failure),
    });
  }

  /**
   * `in_flight` -> `superseded`: the handler holding the claim found a newer version of the
   * learner's CLR for the same target (created after the supersede rule ran), so it never sends.
   */
  async markSuperseded(id: string): Promise<boolean> {
    return this.transition(id, ['in_flight'], { status: 'superseded', nextAttemptAt: null });
  }

  /** `dead`/`rejected` -> `pending` (an operator retries it). Attempts are kept. */
  async requeue(id: string): Promise<boolean> {
    return this.transition(id, ['dead', 'rejected'], { status: 'pending', nextAttemptAt: null });
  }

  async get(id: string): Promise<DeliveryEntity | null> {
    return this.ctx.run((m) => m.findOneBy(DeliveryEntity, { id }));
  }

  async list(query: DeliveryListQuery = {}): Promise<DeliveryEntity[]> {
    const statuses = oneOrMany(query.status);
    statuses?.forEach((status) => {
      if (!DELIVERY_STATUSES.includes(status))
        throw new StoreError('INVALID_ARGUMENT', `unknown delivery status ${String(status)}`);
    });
    return this.ctx.run((m) =>
      m.find(DeliveryEntity, {
        where: {
          ...(statuses !== undefined ? { status: In(statuses) } : {}),
          ...(query.targetId !== undefined ? { targetId: query.targetId } : {}),
          ...(query.learnerRef !== undefined ? { learnerRef: query.learnerRef } : {}),
        },
        order: { createdAt: 'DESC', id: 'ASC' },
        take: limitOf(query.limit, 100),
        skip: query.offset === undefined ? undefined : requireInt(query.offset, 'offset', 0),
      }),
    );
  }

  /** The newest not-yet-delivered delivery of the learner's CLR to the target (open statuses). */
  async latestUndelivered(learnerRef: string, targetId: string): Promise<DeliveryEntity | null> {
    return this.ctx.run((m) =>
      m.findOne(DeliveryEntity, {
        where: { learnerRef, targetId, status: In(OPEN_STATUSES) },
        order: { versionNumber: 'DESC' },
      }),
    );
  }

  /**
   * The newest delivery of a newer version to the same target that is not superseded, if any:
   * a handler about to send an old version checks this so it never overwrites a newer CLR.
   */
  async findNewer(
    learnerRef: string,
    targetId: string,
    versionNumber: number,
  ): Promise<DeliveryEntity | null> {
    return this.ctx.run((m) =>
      m.findOne(DeliveryEntity, {
        where: { learnerRef, targetId, versionNumber: MoreThan(versionNumber), status: Not('superseded') },
        order: { versionNumber: 'DESC' },
      }),
    );
  }

  /**
   * Deliveries a sweeper should (re)queue: pending ones, and retrying ones whose time has come.
   * Oldest first. Used after a Redis loss, when jobs may be gone but rows are not.
   */
  async listDue(now: Date, options: { limit?: number } = {}): Promise<DeliveryEntity[]> {
    requireDate(now, 'now');
    return this.ctx.run((m) =>
      m.find(DeliveryEntity, {
        where: [
          { status: 'pending' },
          { status: 'retrying', nextAttemptAt: LessThanOrEqual(now) },
          { status: 'retrying', nextAttemptAt: IsNull() },
        ],
        order: { createdAt: 'ASC', id: 'ASC' },
        take: limitOf(options.limit, 100),
      }),
    );
  }

  /** `in_flight` deliveries not touched since `before` (their worker probably died). */
  async listStale(before: Date, options: { limit?: number } = {}): Promise<DeliveryEntity[]> {
    requireDate(before, 'before');
    return this.ctx.run((m) =>
      m.find(DeliveryEntity, {
        where: { status: 'in_flight', updatedAt: LessThan(before) },
        order: { updatedAt: 'ASC', id: 'ASC' },
        take: limitOf(options.limit, 100),
      }),
    );
  }

  /** Deliveries per status (all targets, or one). Every status is present, zero when none. */
  async countByStatus(targetId?: string): Promise<Record<DeliveryStatus, number>> {
    return this.ctx.run(async (m) => {
      const query = m
        .createQueryBuilder(DeliveryEntity, 'd')
        .select('d.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('d.status');
      if (targetId !== undefined) query.where('d.targetId = :targetId', { targetId });
      const rows = await query.getRawMany<{ status: DeliveryStatus; count: number | string }>();
      const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
        DeliveryStatus,
        number
      >;
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    });
  }

  private async transition(
    id: string,
    from: readonly DeliveryStatus[],
    set: Partial<DeliveryEntity>,
  ): Promise<boolean> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(DeliveryEntity, { id, status: In([...from]) }, { ...set, updatedAt: now }),
    );
    return result.affected === 1;
  }

  private async forVersion(m: EntityManager, versionId: string): Promise<Map<string, DeliveryEntity>> {
    const rows = await m.findBy(DeliveryEntity, { clrVersionId: versionId });
    return new Map(rows.map((row) => [row.targetId, row]));
  }
}

function responseFields(response: DeliveryResponse): Partial<DeliveryEntity> {
  const fields: Partial<DeliveryEntity> = {};
  if (response.httpStatus !== undefined) {
    fields.lastHttpStatus =
      response.httpStatus === null ? null : requireInt(response.httpStatus, 'httpStatus', 100, 599);
  }
  if (response.imsxBody !== undefined) fields.imsxBody = response.imsxBody;
  return fields;
}

function failureFields(failure: DeliveryFailure): Partial<DeliveryEntity> {
  if (typeof failure.error !== 'string' || failure.error.trim() === '') {
    throw new StoreError('INVALID_ARGUMENT', 'a delivery failure needs an error text');
  }
  return { ...responseFields(failure), lastError: clip(failure.error, 1000) };
}
