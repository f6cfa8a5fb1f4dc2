import { Entity, Unique } from 'typeorm';
import {
  BooleanColumn,
  DoubleColumn,
  IntColumn,
  PrimaryStringColumn,
  StringColumn,
  TextColumn,
  TimestampColumn,
} from '../database/portable-column';

/** `wallet`: a learner's wallet connection; posts with that learner's token (WalletConnectionEntity). */
export const TARGET_AUTH_MODES = ['client_credentials', 'dynamic_registration', 'wallet'] as const;
export type TargetAuthMode = (typeof TARGET_AUTH_MODES)[number];

export const PAYLOAD_FORMS = ['signedClr', 'clr'] as const;
/** `signedClr`: the compact JWS of the CLR; `clr`: the CLR JSON. */
export type PayloadForm = (typeof PAYLOAD_FORMS)[number];

export const TARGET_ORIGINS = ['config', 'runtime', 'wallet'] as const;
/**
 * Where a target came from. `config`: `delivery.targets` of the configuration, synced by name at
 * worker start (a configured target that is no longer configured is disabled). `runtime`: added
 * by an operator (admin API or CLI); configuration syncs leave it alone. `wallet`: one learner's
 * wallet connection; only that learner's CLR versions get deliveries to it.
 */
export type TargetOrigin = (typeof TARGET_ORIGINS)[number];

/** A CLR consumer the publisher POSTs CLRs to. */
@Entity({ name: 'delivery_targets' })
@Unique('UQ_delivery_targets_name', ['name'])
export class DeliveryTargetEntity {
  /** UUID. */
  @PrimaryStringColumn('id', 36)
  id!: string;

  @StringColumn('name', 100)
  name!: string;

  @StringColumn('base_url', 500)
  baseUrl!: string;

  @StringColumn('auth_mode', 32)
  authMode!: TargetAuthMode;

  /** OAuth client id (configured, or obtained by dynamic registration). */
  @StringColumn('client_id', 255, { nullable: true })
  clientId!: string | null;

  /** OAuth client secret, encrypted by KeyCipher; read it with DeliveryTargetRepository.clientSecret. */
  @TextColumn('client_secret_enc', { nullable: true })
  clientSecretEnc!: string | null;

  @StringColumn('token_url', 500, { nullable: true })
  tokenUrl!: string | null;

  /** Space-separated OAuth scopes. */
  @StringColumn('scopes', 1000)
  scopes!: string;

  @StringColumn('payload_form', 16)
  payloadForm!: PayloadForm;

  /** Parallel deliveries to this target. */
  @IntColumn('concurrency')
  concurrency!: number;

  /** Requests per second at most (fractions allowed). */
  @DoubleColumn('rate_per_second')
  ratePerSecond!: number;

  @IntColumn('timeout_ms')
  timeoutMs!: number;

  @BooleanColumn('enabled')
  enabled!: boolean;

  /** The provider's discovery document (dynamic registration). */
  @StringColumn('discovery_url', 500, { nullable: true })
  discoveryUrl!: string | null;

  /** RFC 7591 registration response, encrypted (it carries the client secret). */
  @TextColumn('registration_enc', { nullable: true })
  registrationEnc!: string | null;

  /** Where it came from; null on rows written before origins were recorded (they came from the configuration). */
  @StringColumn('origin', 16, { nullable: true })
  origin!: TargetOrigin | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

/** A target's origin, `config` for rows from before origins were recorded. */
export function targetOriginOf(target: Pick<DeliveryTargetEntity, 'origin'>): TargetOrigin {
  return target.origin ?? 'config';
}
