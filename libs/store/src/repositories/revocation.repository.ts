import { type EntityManager, In } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import { RevocationEntity } from '../entities/revocation.entity';
import { chunks, clip, insertUnlessExists, requireText } from './repository-helpers';

export interface RevocationInput {
  /** The revoked object's id (assertion, CLR or endorsement URL). */
  revokedId: string;
  reason?: string | null;
}

/** Entries of the issuers' revocation lists (the list document is built from these). */
export class RevocationRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Adds one entry; false when it was already on the list (the first reason and date stay). */
  async add(issuerId: string, revokedId: string, reason?: string | null): Promise<boolean> {
    return (await this.addMany(issuerId, [{ revokedId, reason }])) === 1;
  }

  /** Adds entries not yet on the issuer's list, atomically; returns how many were new. */
  async addMany(issuerId: string, entries: readonly RevocationInput[]): Promise<number> {
    requireText(issuerId, 'issuerId', 255);
    entries.forEach((entry, index) => requireText(entry.revokedId, `entries[${index}].revokedId`, 400));
    if (entries.length === 0) return Promise.resolve(0);
    const now = this.ctx.now();
    return this.ctx.transaction(async (m) => {
      const wanted = new Map(entries.map((entry) => [entry.revokedId, entry]));
      const present = await listedAmong(m, issuerId, [...wanted.keys()]);
      let added = 0;
      for (const [revokedId, entry] of wanted) {
        if (present.has(revokedId)) continue;
        const inserted = await insertUnlessExists(m, (inner) =>
          inner.insert(RevocationEntity, {
            issuerId,
            revokedId,
            reason: clip(entry.reason, 500),
            revokedAt: now,
          }),
        );
        if (inserted) added += 1;
      }
      return added;
    });
  }

  /** The issuer's list, oldest entry first. */
  async listByIssuer(issuerId: string): Promise<RevocationEntity[]> {
    return this.ctx.run((m) => m.find(RevocationEntity, { where: { issuerId }, order: { id: 'ASC' } }));
  }

  /** Whether the object is on the issuer's list (any issuer's when none is given). */
  async isRevoked(revokedId: string, issuerId?: string): Promise<boolean> {
    return this.ctx.run((m) =>
      m.existsBy(RevocationEntity, issuerId === undefined ? { revokedId } : { revokedId, issuerId }),
    );
  }

  /** Which of `revokedIds` are on the issuer's list (with that reason, when one is given). */
  async revokedAmong(
    issuerId: string,
    revokedIds: readonly string[],
    options: { reason?: string } = {},
  ): Promise<Set<string>> {
    if (revokedIds.length === 0) return new Set();
    return this.ctx.run((m) => listedAmong(m, issuerId, [...new Set(revokedIds)], options.reason));
  }

  /**
   * Takes an entry off the list only when it was put there for `reason` (a build's own
   * revocation, undone when what it revoked comes back); false when there was no such entry.
   */
  async removeIfReason(issuerId: string, revokedId: string, reason: string): Promise<boolean> {
    const result = await this.ctx.run((m) =>
      m.delete(RevocationEntity, { issuerId, revokedId, reason: clip(reason, 500)! }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Takes an entry off the list (an operator's correction); false when it was not there. */
  async remove(issuerId: string, revokedId: string): Promise<boolean> {
    const result = await this.ctx.run((m) => m.delete(RevocationEntity, { issuerId, revokedId }));
    return (result.affected ?? 0) > 0;
  }
}

/** Which of `revokedIds` (distinct) are on the issuer's list, with `reason` when one is given. */
async function listedAmong(
  m: EntityManager,
  issuerId: string,
  revokedIds: readonly string[],
  reason?: string,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const ids of chunks(revokedIds)) {
    const rows = await m.find(RevocationEntity, {
      select: { revokedId: true, id: true },
      where: {
        issuerId,
        revokedId: In(ids),
        ...(reason === undefined ? {} : { reason: clip(reason, 500)! }),
      },
    });
    rows.forEach((row) => found.add(row.revokedId));
  }
  return found;
}
