import { Entity, Unique } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TextColumn, TimestampColumn } from '../database/portable-column';

export const KEY_STATUSES = ['active', 'retired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** `active_slot` value of the one active key. */
export const ACTIVE_KEY_SLOT = 'active';

/**
 * A signing key pair. Retired keys are kept forever: signatures made with them stay verifiable
 * at `/keys/{kid}`.
 */
@Entity({ name: 'signing_keys' })
@Unique('UQ_signing_keys_active_slot', ['activeSlot'])
export class SigningKeyEntity {
  @PrimaryStringColumn('kid', 128)
  kid!: string;

  /** JWS algorithm, e.g. `RS256`. */
  @StringColumn('algorithm', 16)
  algorithm!: string;

  @TextColumn('public_pem')
  publicPem!: string;

  /** The private key PEM, encrypted by KeyCipher (AES-256-GCM under the master key). */
  @TextColumn('private_key_enc')
  privateKeyEnc!: string;

  @StringColumn('status', 16)
  status!: KeyStatus;

  /**
   * `active` for the active key, the kid for retired ones. Unique, so the database itself
   * guarantees at most one active key on every driver (partial unique indexes are not portable).
   */
  @StringColumn('active_slot', 128)
  activeSlot!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('retired_at', { nullable: true })
  retiredAt!: Date | null;
}
