import { Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TextColumn, TimestampColumn } from '../database/portable-column';
import { DeliveryTargetEntity } from './delivery-target.entity';

export const WALLET_CONNECTION_STATUSES = ['active', 'broken', 'disconnected'] as const;
/**
 * `active`: new CLR versions are delivered; `broken`: the wallet refused the grant
 * (`invalid_grant`), deliveries stop until the learner connects again; `disconnected`: by the
 * learner or an operator, tokens deleted.
 */
export type WalletConnectionStatus = (typeof WALLET_CONNECTION_STATUSES)[number];

/**
 * A learner's consent for the publisher to post their CLR to their wallet: the tokens
 * (encrypted), bound to one learner and one wallet host, and the delivery target that carries
 * its deliveries through the usual state machine.
 */
@Entity({ name: 'wallet_connections' })
@Unique('UQ_wallet_connections_learner_wallet', ['learnerRef', 'walletHost'])
@Index('IDX_wallet_connections_target', ['targetId'])
export class WalletConnectionEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  /** The learner's opaque reference (never the SIS id). */
  @StringColumn('learner_ref', 128)
  learnerRef!: string;

  @StringColumn('wallet_host', 255)
  walletHost!: string;

  /** The delivery target (origin `wallet`) of this connection. */
  @StringColumn('target_id', 36)
  targetId!: string;

  @ManyToOne(() => DeliveryTargetEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'target_id', foreignKeyConstraintName: 'FK_wallet_connections_target' })
  target?: DeliveryTargetEntity;

  @StringColumn('status', 16)
  status!: WalletConnectionStatus;

  /** Space-separated scopes granted. */
  @StringColumn('scopes', 1000)
  scopes!: string;

  @TextColumn('access_token_enc', { nullable: true })
  accessTokenEnc!: string | null;

  @TimestampColumn('access_expires_at', { nullable: true })
  accessExpiresAt!: Date | null;

  @TextColumn('refresh_token_enc', { nullable: true })
  refreshTokenEnc!: string | null;

  /** While ahead, one worker process is spending the refresh token (see `claimRefresh`). */
  @TimestampColumn('refresh_claimed_until', { nullable: true })
  refreshClaimedUntil!: Date | null;

  /** Why it is broken or who disconnected it (no personal data). */
  @StringColumn('status_reason', 1000, { nullable: true })
  statusReason!: string | null;

  @TimestampColumn('connected_at')
  connectedAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
