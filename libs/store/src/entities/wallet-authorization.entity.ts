import { Entity, Index } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TextColumn, TimestampColumn } from '../database/portable-column';

/**
 * An authorization request on its way to a wallet and back: the `state` (kept only as its
 * SHA-256), the learner and wallet it is for and the PKCE verifier (encrypted). Single use:
 * the callback deletes it; it expires after `wallets.stateTtlSeconds`.
 */
@Entity({ name: 'wallet_authorizations' })
@Index('IDX_wallet_authorizations_expires', ['expiresAt'])
export class WalletAuthorizationEntity {
  /** SHA-256 (hex) of the state value sent to the wallet. */
  @PrimaryStringColumn('state_hash', 64)
  stateHash!: string;

  /** The learner's opaque reference (never the SIS id). */
  @StringColumn('learner_ref', 128)
  learnerRef!: string;

  @StringColumn('wallet_host', 255)
  walletHost!: string;

  /** PKCE code verifier, encrypted. */
  @TextColumn('code_verifier_enc')
  codeVerifierEnc!: string;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
