import { type StoreContext } from '../database/store-context';
import { SyncRunSlotEntity } from '../entities/sync-run-slot.entity';
import { insertUnlessExists, requireText } from './repository-helpers';

/**
 * The one active run per SIS source, held as a row keyed by the source: taking the slot is an
 * INSERT the primary key lets only one writer win, on every driver and across processes.
 */
export class RunSlotRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** The run holding the source's slot, if any. */
  async holder(source: string): Promise<SyncRunSlotEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SyncRunSlotEntity, { source }));
  }

  /** Takes the free slot for `runId`; false when another run holds it. */
  async acquire(source: string, runId: string): Promise<boolean> {
    requireText(source, 'source', 100);
    requireText(runId, 'runId', 36);
    const now = this.ctx.now();
    return this.ctx.transaction((m) =>
      insertUnlessExists(m, (inner) => inner.insert(SyncRunSlotEntity, { source, runId, acquiredAt: now })),
    );
  }

  /**
   * Moves the slot from `staleRunId` (a run that has ended without releasing it) to `runId`.
   * False when the slot is no longer held by `staleRunId` (someone else took it over first).
   */
  async takeOver(source: string, staleRunId: string, runId: string): Promise<boolean> {
    const now = this.ctx.now();
    const result = await this.ctx.run((m) =>
      m.update(SyncRunSlotEntity, { source, runId: staleRunId }, { runId, acquiredAt: now }),
    );
    return result.affected === 1;
  }

  /** Frees the slot if `runId` holds it; false otherwise. */
  async release(source: string, runId: string): Promise<boolean> {
    const result = await this.ctx.run((m) => m.delete(SyncRunSlotEntity, { source, runId }));
    return (result.affected ?? 0) > 0;
  }
}
