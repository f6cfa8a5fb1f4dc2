import { type AuditEntryInput, PublisherStore } from '@app/store';
import { ClrMetrics, loggableError } from '@app/observability';
import { Injectable, Logger } from '@nestjs/common';

/** Details an admin audit entry may carry: outcome, status, codes and ids, never bodies. */
export interface AdminAuditDetails {
  outcome: 'ok' | 'failed';
  requestId: string;
  status?: number;
  errorCode?: string;
  [key: string]: string | number | boolean | undefined;
}

/**
 * Writes admin actions to the audit log (`store.audit`). A write that fails is logged and
 * counted (`clr_publisher_audit_write_failures_total`), and does not undo or fail the call it
 * describes: the action has already happened.
 */
@Injectable()
export class AdminAuditService {
  private readonly logger = new Logger('AdminAudit');

  constructor(
    private readonly store: PublisherStore,
    private readonly metrics: ClrMetrics,
  ) {}

  async record(entry: Omit<AuditEntryInput, 'details'> & { details: AdminAuditDetails }): Promise<void> {
    try {
      await this.store.audit.append({
        actor: entry.actor,
        action: entry.action.slice(0, 100),
        subject: typeof entry.subject === 'string' ? entry.subject.slice(0, 400) : null,
        details: { ...entry.details },
      });
    } catch (error) {
      this.metrics.recordAuditFailure();
      this.logger.error(
        { err: loggableError(error), action: entry.action, requestId: entry.details.requestId },
        'audit entry not written',
      );
    }
  }
}
