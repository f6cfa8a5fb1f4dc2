import { type EntityManager } from 'typeorm';
import { type StoreContext } from '../database/store-context';
import { WatermarkEntity } from '../entities/watermark.entity';
import { insertUnlessExists, optionalText, requireText } from './repository-helpers';

/** Committed SIS watermarks, per source and record set. */
export class WatermarkRepository {
  constructor(private readonly ctx: StoreContext) {}

  async get(source: string, recordSet: string): Promise<WatermarkEntity | null> {
    return this.ctx.run((m) => m.findOneBy(WatermarkEntity, { source, recordSet }));
  }

  /** All watermarks of a source, by record set. */
  async list(source: string): Promise<WatermarkEntity[]> {
    return this.ctx.run((m) => m.find(WatermarkEntity, { where: { source }, order: { recordSet: 'ASC' } }));
  }

  /** Sets (inserts or replaces) one watermark. */
  async commit(source: string, recordSet: string, value: string, runId?: string | null): Promise<void> {
    requireText(source, 'source', 100);
    requireText(recordSet, 'recordSet', 64);
    requireText(value, 'watermark value', 255);
    optionalText(runId, 'runId', 36);
    return this.ctx.transaction((m) =>
      commitWatermark(m, { source, recordSet, value, runId: runId ?? null }, this.ctx.now()),
    );
  }

  /** Forgets a source's watermarks (the next incremental run reads everything). */
  async reset(source: string, recordSet?: string): Promise<number> {
    const result = await this.ctx.run((m) =>
      m.delete(WatermarkEntity, recordSet === undefined ? { source } : { source, recordSet }),
    );
    return result.affected ?? 0;
  }
}

/** Upsert used by commit and by a succeeding run (inside its transaction). */
export async function commitWatermark(
  m: EntityManager,
  row: { source: string; recordSet: string; value: string; runId: string | null },
  now: Date,
): Promise<void> {
  const update = (): Promise<{ affected?: number }> =>
    m.update(
      WatermarkEntity,
      { source: row.source, recordSet: row.recordSet },
      { value: row.value, runId: row.runId, committedAt: now },
    );
  if (((await update()).affected ?? 0) > 0) return;
  const inserted = await insertUnlessExists(m, (inner) =>
    inner.insert(WatermarkEntity, { ...row, committedAt: now }),
  );
  if (!inserted) await update();
}
