import { type EntityManager, In } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import { AssertionLedgerEntity, type LedgerStatus } from '../entities/assertion-ledger.entity';
import { chunks, clip, requireInt, requireText } from './repository-helpers';
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
}

export interface RevokeOptions {
  reason: string;
  /** The issuer Profile id whose revocation list gets the entries. */
  issuerId: string;
}

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
   * known ones get `lastVersion = version`, revoked ones become active again (reported in
   * `reactivated`). An assertion recorded under another learner moves to this one.
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
      const result: LedgerUpsertResult = { inserted: [], reactivated: [], kept: [] };
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
              firstVersion: version,
              lastVersion: version,
              createdAt: now,
              updatedAt: now,
            } satisfies AssertionLedgerEntity),
          );
          result.inserted.push(assertionId);
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
      return this.revokeIds(m, vanished, reason, options.issuerId, now);
    });
  }

  /** Revokes one assertion (operator action). False when it is unknown or already revoked. */
  async revoke(assertionId: string, options: RevokeOptions): Promise<boolean> {
    const reason = clip(requireText(options.reason, 'reason', Number.MAX_SAFE_INTEGER), 500)!;
    requireText(options.issuerId, 'issuerId', 255);
    const now = this.ctx.now();
    const revoked = await this.ctx.transaction((m) =>
      this.revokeIds(m, [assertionId], reason, options.issuerId, now),
    );
    return revoked.length === 1;
  }

  private async revokeIds(
    m: EntityManager,
    ids: readonly string[],
    reason: string,
    issuerId: string,
    now: Date,
  ): Promise<AssertionLedgerEntity[]> {
    const revoked: AssertionLedgerEntity[] = [];
    // One guarded UPDATE per assertion: its affected-row count says exactly whether this call
    // revoked it (a concurrent revoker may have got there first). A learner loses few at a time.
    for (const assertionId of ids) {
      const result = await m.update(
        AssertionLedgerEntity,
        { assertionId, status: 'active' },
        { status: 'revoked', revocationReason: reason, revokedAt: now, updatedAt: now },
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
