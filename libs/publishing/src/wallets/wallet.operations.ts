import { type PublisherStore, type WalletConnectionEntity } from '@app/store';
import { type ClrIdFactory } from '@app/mapping';
import { learnerRefOf } from '../build/learner-ref';
import { type OperationActor, actorDetails } from '../operations/operation-actor';
import { OperationError, invalidField } from '../operations/operation.error';

const LEARNER_REF = /^[0-9a-f]{32}$/;

/** A wallet connection as operators see it: no tokens, no learner id. */
export interface WalletConnectionView {
  id: string;
  walletHost: string;
  status: WalletConnectionEntity['status'];
  /** Why it is broken or who disconnected it. */
  statusReason: string | null;
  scopes: string[];
  /** The delivery target carrying its deliveries. */
  targetId: string;
  hasRefreshToken: boolean;
  connectedAt: string;
  updatedAt: string;
  /** Deliveries to it per status. */
  deliveries: Record<string, number>;
}

/** Operators' view of learners' wallet connections: list a learner's, disconnect one (audited). */
export class WalletOperations {
  constructor(
    private readonly store: PublisherStore,
    private readonly ids: ClrIdFactory,
  ) {}

  /**
   * A learner's connections, newest first. `learner` is the SIS learner id or the learner ref
   * (32 hex digits, as deliveries show it): prefer the ref where the value ends up in a URL,
   * since request paths are logged.
   */
  async listForLearner(learner: string): Promise<WalletConnectionView[]> {
    if (typeof learner !== 'string' || learner.trim() === '' || learner.length > 200) {
      throw invalidField('learnerId', 'must be a non-empty id of at most 200 characters');
    }
    const learnerRef = LEARNER_REF.test(learner) ? learner : learnerRefOf(this.ids, learner);
    const rows = await this.store.wallets.listForLearner(learnerRef);
    return Promise.all(rows.map(async (row) => this.view(row)));
  }

  /**
   * Disconnects a connection: its tokens are deleted and its deliveries stop.
   * @throws OperationError `NOT_FOUND` (`wallet_not_found`); `CONFLICT`
   * (`wallet_already_disconnected`) when it is disconnected already (nothing to do, no audit entry).
   */
  async disconnect(id: string, by: OperationActor): Promise<WalletConnectionView> {
    const before = await this.store.wallets.get(id);
    if (before === null) throw notFound(id);
    if (before.status === 'disconnected') {
      throw new OperationError(
        'CONFLICT',
        'wallet_already_disconnected',
        `wallet connection ${id} is disconnected already`,
        { details: { id } },
      );
    }
    const closed = await this.store.wallets.disconnect(id, `disconnected by an operator (${by.via})`);
    if (closed === null) throw notFound(id);
    await this.store.audit.append({
      actor: by.actor,
      action: 'wallet.disconnect',
      subject: id,
      details: { walletHost: before.walletHost, was: before.status, ...actorDetails(by) },
    });
    return this.view(closed);
  }

  private async view(row: WalletConnectionEntity): Promise<WalletConnectionView> {
    return {
      id: row.id,
      walletHost: row.walletHost,
      status: row.status,
      statusReason: row.statusReason,
      scopes: row.scopes.split(' ').filter((scope) => scope !== ''),
      targetId: row.targetId,
      hasRefreshToken: row.refreshTokenEnc !== null,
      connectedAt: row.connectedAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      deliveries: await this.store.deliveries.countByStatus(row.targetId),
    };
  }
}

function notFound(id: string): OperationError {
  return new OperationError('NOT_FOUND', 'wallet_not_found', `wallet connection ${id} does not exist`, {
    details: { id },
  });
}
