import { AssertionLedgerEntity } from './assertion-ledger.entity';
import { AuditLogEntity } from './audit-log.entity';
import { ClrVersionEntity } from './clr-version.entity';
import { DeliveryTargetEntity } from './delivery-target.entity';
import { DeliveryEntity } from './delivery.entity';
import { RevocationEntity } from './revocation.entity';
import { RunBatchEntity } from './run-batch.entity';
import { SigningKeyOwnerEntity } from './signing-key-owner.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { SyncProblemEntity } from './sync-problem.entity';
import { SyncRunPlanEntity } from './sync-run-plan.entity';
import { SyncRunSlotEntity } from './sync-run-slot.entity';
import { SyncRunEntity } from './sync-run.entity';
import { WalletAuthorizationEntity } from './wallet-authorization.entity';
import { WalletClientEntity } from './wallet-client.entity';
import { WalletConnectionEntity } from './wallet-connection.entity';
import { WatermarkEntity } from './watermark.entity';

export * from './assertion-ledger.entity';
export * from './audit-log.entity';
export * from './clr-version.entity';
export * from './delivery-target.entity';
export * from './delivery.entity';
export * from './revocation.entity';
export * from './run-batch.entity';
export * from './signing-key-owner.entity';
export * from './signing-key.entity';
export * from './sync-problem.entity';
export * from './sync-run-plan.entity';
export * from './sync-run-slot.entity';
export * from './sync-run.entity';
export * from './wallet-authorization.entity';
export * from './wallet-client.entity';
export * from './wallet-connection.entity';
export * from './watermark.entity';

/** Every entity of the publisher's store. */
export const STORE_ENTITIES = [
  SyncRunEntity,
  SyncProblemEntity,
  WatermarkEntity,
  ClrVersionEntity,
  AssertionLedgerEntity,
  SigningKeyEntity,
  RevocationEntity,
  DeliveryTargetEntity,
  DeliveryEntity,
  AuditLogEntity,
  SyncRunPlanEntity,
  RunBatchEntity,
  SyncRunSlotEntity,
  SigningKeyOwnerEntity,
  WalletClientEntity,
  WalletAuthorizationEntity,
  WalletConnectionEntity,
] as const;
