import { type StoreContext } from '../database/store-context';
import { AuditLogEntity } from '../entities/audit-log.entity';
import { limitOf, optionalText, requireText } from './repository-helpers';

export interface AuditEntryInput {
  /** Operator name, `cli`, `system`... */
  actor: string;
  /** Dotted verb, e.g. `keys.rotate`. */
  action: string;
  subject?: string | null;
  /** Text, or an object stored as JSON. No personal data. */
  details?: string | Record<string, unknown> | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  subject?: string;
  /** Entries older than this id (paging backwards). */
  beforeId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

/** The append-only audit log. */
export class AuditLogRepository {
  constructor(private readonly ctx: StoreContext) {}

  async append(entry: AuditEntryInput): Promise<AuditLogEntity> {
    const row = Object.assign(new AuditLogEntity(), {
      actor: requireText(entry.actor, 'actor', 200),
      action: requireText(entry.action, 'action', 100),
      subject: optionalText(entry.subject, 'subject', 400),
      details:
        entry.details === undefined || entry.details === null
          ? null
          : typeof entry.details === 'string'
            ? entry.details
            : JSON.stringify(entry.details),
      at: this.ctx.now(),
    });
    const result = await this.ctx.run((m) => m.insert(AuditLogEntity, row));
    const id = (result.identifiers[0] as { id?: number } | undefined)?.id;
    if (id !== undefined) row.id = id;
    return row;
  }

  /** Entries newest first. */
  async list(query: AuditQuery = {}): Promise<AuditLogEntity[]> {
    return this.ctx.run((m) => {
      const builder = m
        .createQueryBuilder(AuditLogEntity, 'a')
        .orderBy('a.id', 'DESC')
        .take(limitOf(query.limit, 100));
      if (query.actor !== undefined) builder.andWhere('a.actor = :actor', { actor: query.actor });
      if (query.action !== undefined) builder.andWhere('a.action = :action', { action: query.action });
      if (query.subject !== undefined) builder.andWhere('a.subject = :subject', { subject: query.subject });
      if (query.beforeId !== undefined) builder.andWhere('a.id < :beforeId', { beforeId: query.beforeId });
      return builder.getMany();
    });
  }
}
