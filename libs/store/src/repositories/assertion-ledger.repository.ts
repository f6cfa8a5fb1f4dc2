import { type EntityManager, In, IsNull } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import {
  AssertionLedgerEntity,
  type LedgerRevoker,
  type LedgerStatus,
} from '../entities/assertion-ledger.entity';
import { RevocationEntity } from '../entities/revocation.entity';
import { StoreError } from '../store.errors';
import { chunks, clip, limitOf, requireInt, requireText } from './repository-helpers';
import { RevocationRepository } from './revocation.repository';

export interface LedgerEntryInput {
  assertionId: string;
  /** What kind of SIS row the assertion comes from (e.g. `course_grade`). */
  sourceKind: string;
  /** That row's SIS key. */
  sourceKey: string;
  achievementId: string;
}

export interface LedgerUpsertResult {
  /** Assertions seen for the first time. */
  inserted: string[];
  /** Assertions that were revoked and are asserted again (their revocation list entry is the caller's call). */
  reactivated: string[];
  /** Assertions already active, now carried by this version too. */
  kept: string[];
  /**
   * Assertions an operator revoked: left revoked and untouched (the build should have omitted
   * them; one revoked while the CLR was being built can still arrive here).
   */
  withheld: string[];
}

export interface RevokeOptions {
  reason: string;
  /** The issuer Profile id whose revocation list gets the entries. */
  issuerId: string;
  /** Who revokes; default `build`. */
  by?: LedgerRevoker;
}

/** What an operator's revocation did. */
export type OperatorRevokeOutcome =
  /** It was active: now revoked by the operator and on the issuer's list. */
  | { status: 'revoked'; entry: AssertionLedgerEntity }
  /** A build had revoked it (its SIS row vanished): now the operator's, so it stays revoked. */
  | { status: 'taken-over'; entry: AssertionLedgerEntity }
  /** An operator revoked it before: nothing changed. */
  | { status: 'already-revoked'; entry: AssertionLedgerEntity }
  | { status: 'not-found' };

/** What an operator's reinstatement did. */
export type ReinstateOutcome =
  /** Active again and off every revocation list. */
  | { status: 'reinstated'; entry: AssertionLedgerEntity }
  /** It is active: nothing to reinstate. */
  | { status: 'not-revoked'; entry: AssertionLedgerEntity }
  /** A build revoked it because its SIS row is gone: only the SIS can bring it back. */
  | { status: 'revoked-by-build'; entry: AssertionLedgerEntity }
  | { status: 'not-found' };

/** The ledger of issued assertions. */
export class AssertionLedgerRepository {
  constructor(private readonly ctx: StoreContext) {}

  async get(assertionId: string): Promise<AssertionLedgerEntity | null> {
    return this.ctx.run((m) => m.findOneBy(AssertionLedgerEntity, { assertionId }));
  }

  async listForLearner(learnerRef: string, status?: LedgerStatus): Promise<AssertionLedgerEntity[]> {
    return this.ctx.run((m) =>
      m.find(AssertionLedgerEntity, {
        where: status === undefined ? { learnerRef } : { learnerRef, status },
        order: { assertionId: 'ASC' },
      }),
    );
  }

  /**
   * Records that CLR `version` of the learner carries these assertions: new ones are inserted,
   * known ones get `lastVersion = version`, ones a build revoked become active again (reported in
   * `reactivated`). Ones an operator revoked stay revoked and untouched (`withheld`). An
   * assertion recorded under another learner moves to this one.
   */
  async upsertActive(
    learnerRef: string,
    version: number,
    entries: readonly LedgerEntryInput[],
  ): Promise<LedgerUpsertResult> {
    requireText(learnerRef, 'learnerRef', 128);
    requireInt(version, 'version', 1);
    const byId = new Map<string, LedgerEntryInput>();
    entries.forEach((entry, index) => {
      const where = `entries[${index}]`;
      requireText(entry.assertionId, `${where}.assertionId`, 400);
      requireText(entry.sourceKind, `${where}.sourceKind`, 32);
      requireText(entry.sourceKey, `${where}.sourceKey`, 255);
      requireText(entry.achievementId, `${where}.achievementId`, 400);
      byId.set(entry.assertionId, entry);
    });
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const existing = new Map<string, AssertionLedgerEntity>();
      for (const ids of chunks([...byId.keys()])) {
        for (const row of await m.findBy(AssertionLedgerEntity, { assertionId: In(ids) }))
          existing.set(row.assertionId, row);
      }
      const result: LedgerUpsertResult = { inserted: [], reactivated: [], kept: [], withheld: [] };
      const fresh: AssertionLedgerEntity[] = [];
      const unchanged: string[] = [];
      for (const [assertionId, entry] of byId) {
        const row = existing.get(assertionId);
        if (!row) {
          fresh.push(
            Object.assign(new AssertionLedgerEntity(), {
              ...entry,
              learnerRef,
              status: 'active',
              revocationReason: null,
              revokedAt: null,
              revokedBy: null,
              firstVersion: version,
              lastVersion: version,
              createdAt: now,
              updatedAt: now,
            } satisfies AssertionLedgerEntity),
          );
          result.inserted.push(assertionId);
          continue;
        }
        if (row.status === 'revoked' && row.revokedBy === 'operator') {
          // An operator's revocation outlives the SIS row: only a reinstatement undoes it.
          result.withheld.push(assertionId);
          continue;
        }
        const same =
          row.status === 'active' &&
          row.learnerRef === learnerRef &&
          row.sourceKind === entry.sourceKind &&
          row.sourceKey === entry.sourceKey &&
          row.achievementId === entry.achievementId;
        if (same) {
          unchanged.push(assertionId);
        } else {
          await m.update(
            AssertionLedgerEntity,
            { assertionId },
            {
              learnerRef,
              sourceKind: entry.sourceKind,
              sourceKey: entry.sourceKey,
              achievementId: entry.achievementId,
              status: 'active',
              revocationReason: null,
              revokedAt: null,
              revokedBy: null,
              lastVersion: version,
              updatedAt: now,
            },
          );
        }
        (row.status === 'revoked' ? result.reactivated : result.kept).push(assertionId);
      }
      for (const batch of chunks(fresh, 100)) await m.insert(AssertionLedgerEntity, batch);
      for (const ids of chunks(unchanged)) {
        await m.update(
          AssertionLedgerEntity,
          { assertionId: In(ids) },
          { lastVersion: version, updatedAt: now },
        );
      }
      return result;
    });
  }

  /**
   * Revokes the learner's active assertions that are not in `keepIds` (their SIS row vanished or
   * was deleted) and puts them on the issuer's revocation list, in one transaction. Returns the
   * revoked entries.
   */
  async revokeVanished(
    learnerRef: string,
    keepIds: Iterable<string>,
    options: RevokeOptions,
  ): Promise<AssertionLedgerEntity[]> {
    requireText(learnerRef, 'learnerRef', 128);
    const reason = clip(requireText(options.reason, 'reason', Number.MAX_SAFE_INTEGER), 500)!;
    requireText(options.issuerId, 'issuerId', 255);
    const keep = new Set(keepIds);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const active = await m.find(AssertionLedgerEntity, {
        select: { assertionId: true },
        where: { learnerRef, status: 'active' },
      });
      const vanished = active.map((row) => row.assertionId).filter((id) => !keep.has(id));
      return this.revokeIds(m, vanished, reason, options.issuerId, options.by ?? 'build', now);
    });
  }

  /**
   * Revokes one active assertion and puts it on the issuer's list (by a build unless `by` says
   * otherwise). False when it is unknown or already revoked.
   */
  async revoke(assertionId: string, options: RevokeOptions): Promise<boolean> {
    const reason = clip(requireText(options.reason, 'reason', Number.MAX_SAFE_INTEGER), 500)!;
    requireText(options.issuerId, 'issuerId', 255);
    const now = this.ctx.now();
    const revoked = await this.ctx.transaction((m) =>
      this.revokeIds(m, [assertionId], reason, options.issuerId, options.by ?? 'build', now),
    );
    return revoked.length === 1;
  }

  /**
   * An operator revokes an assertion: active -> revoked by `operator` with the reason, onto the
   * issuer's list; one a build had revoked becomes the operator's (reason and date replaced), so
   * the SIS row coming back does not reactivate it. Atomic with the list entry.
   */
  async revokeByOperator(
    assertionId: string,
    options: Omit<RevokeOptions, 'by'>,
  ): Promise<OperatorRevokeOutcome> {
    const reason = clip(requireText(options.reason, 'reason', Number.MAX_SAFE_INTEGER), 500)!;
    requireText(options.issuerId, 'issuerId', 255);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      // A concurrent build may revoke or reactivate it between two statements: each step is a
      // guarded UPDATE, so try again (a few times) with what the row has become.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const [revoked] = await this.revokeIds(m, [assertionId], reason, options.issuerId, 'operator', now);
        if (revoked !== undefined) return { status: 'revoked', entry: revoked };
        const row = await m.findOneBy(AssertionLedgerEntity, { assertionId });
        if (row === null) return { status: 'not-found' };
        if (row.revokedBy === 'operator') return { status: 'already-revoked', entry: row };
        const set = {
          revokedBy: 'operator' as const,
          revocationReason: reason,
          revokedAt: now,
          updatedAt: now,
        };
        const byBuild = await m.update(
          AssertionLedgerEntity,
          { assertionId, status: 'revoked', revokedBy: row.revokedBy === null ? IsNull() : 'build' },
          set,
        );
        if (byBuild.affected !== 1) continue;
        await new RevocationRepository(this.ctx.within(m)).addMany(options.issuerId, [
          { revokedId: assertionId, reason },
        ]);
        return {
          status: 'taken-over',
          entry: await m.findOneByOrFail(AssertionLedgerEntity, { assertionId }),
        };
      }
      throw new StoreError('VERSION_CONFLICT', `assertion ${assertionId} kept changing while being revoked`);
    });
  }

  /**
   * An operator takes back their revocation: revoked by `operator` -> active, and off every
   * revocation list, atomically. The learner's next build carries the assertion again (and
   * revokes it as vanished if its SIS row has gone meanwhile).
   */
  async reinstate(assertionId: string): Promise<ReinstateOutcome> {
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const result = await m.update(
        AssertionLedgerEntity,
        { assertionId, status: 'revoked', revokedBy: 'operator' },
        { status: 'active', revokedBy: null, revocationReason: null, revokedAt: null, updatedAt: now },
      );
      const row = await m.findOneBy(AssertionLedgerEntity, { assertionId });
      if (row === null) return { status: 'not-found' };
      if (result.affected !== 1) {
        return row.status === 'active'
          ? { status: 'not-revoked', entry: row }
          : { status: 'revoked-by-build', entry: row };
      }
      await m.delete(RevocationEntity, { revokedId: assertionId });
      return { status: 'reinstated', entry: row };
    });
  }

  /**
   * The assertions an operator revoked, per learner (learners without any are absent): a build
   * leaves them out of the learner's CLR.
   */
  async withheldFor(learnerRefs: readonly string[]): Promise<Map<string, Set<string>>> {
    const withheld = new Map<string, Set<string>>();
    for (const refs of chunks([...new Set(learnerRefs)])) {
      const rows = await this.ctx.run((m) =>
        m.find(AssertionLedgerEntity, {
          select: { assertionId: true, learnerRef: true },
          where: { learnerRef: In(refs), status: 'revoked', revokedBy: 'operator' },
        }),
      );
      for (const row of rows) {
        let ids = withheld.get(row.learnerRef);
        if (ids === undefined) withheld.set(row.learnerRef, (ids = new Set()));
        ids.add(row.assertionId);
      }
    }
    return withheld;
  }

  /**
   * Learners holding an achievement: distinct refs of the ledger entries asserting it (active
   * ones unless `status` says otherwise), in ref order; page with `afterRef`.
   */
  async learnersHolding(
    achievementId: string,
    options: { status?: LedgerStatus; afterRef?: string; limit?: number } = {},
  ): Promise<string[]> {
    requireText(achievementId, 'achievementId', 400);
    return this.ctx.run(async (m) => {
      const query = m
        .createQueryBuilder(AssertionLedgerEntity, 'l')
        .select('l.learnerRef', 'learnerRef')
        .where('l.achievementId = :achievementId', { achievementId })
        .andWhere('l.status = :status', { status: options.status ?? 'active' })
        .groupBy('l.learnerRef')
        .orderBy('l.learnerRef', 'ASC')
        .limit(limitOf(options.limit, 1000, 10_000));
      if (options.afterRef !== undefined)
        query.andWhere('l.learnerRef > :afterRef', { afterRef: options.afterRef });
      const rows = await query.getRawMany<{ learnerRef: string }>();
      return rows.map((row) => row.learnerRef);
    });
  }

  /**
   * An active entry asserting the achievement (its learner and the last version that carried
   * it), or null when none is active.
   */
  async activeHolder(
    achievementId: string,
  ): Promise<Pick<AssertionLedgerEntity, 'learnerRef' | 'lastVersion'> | null> {
    return this.ctx.run((m) =>
      m.findOne(AssertionLedgerEntity, {
        select: { learnerRef: true, lastVersion: true },
        // Any one will do: no ORDER BY, so the index answers it without sorting the holders.
        where: { achievementId, status: 'active' },
      }),
    );
  }

  /** Whether any ledger entry (of any status) asserts the achievement. */
  async knowsAchievement(achievementId: string): Promise<boolean> {
    return this.ctx.run((m) => m.existsBy(AssertionLedgerEntity, { achievementId }));
  }

  private async revokeIds(
    m: EntityManager,
    ids: readonly string[],
    reason: string,
    issuerId: string,
    by: LedgerRevoker,
    now: Date,
  ): Promise<AssertionLedgerEntity[]> {
    const revoked: AssertionLedgerEntity[] = [];
    // One guarded UPDATE per assertion: its affected-row count says exactly whether this call
    // revoked it (a concurrent revoker may have got there first). A learner loses few at a time.
    for (const assertionId of ids) {
      const result = await m.update(
        AssertionLedgerEntity,
        { assertionId, status: 'active' },
        { status: 'revoked', revocationReason: reason, revokedAt: now, revokedBy: by, updatedAt: now },
      );
      if (result.affected === 1)
        revoked.push(await m.findOneByOrFail(AssertionLedgerEntity, { assertionId }));
    }
    if (revoked.length > 0) {
      await new RevocationRepository(this.ctx.within(m)).addMany(
        issuerId,
        revoked.map((row) => ({ revokedId: row.assertionId, reason })),
      );
    }
    return revoked;
  }
}
