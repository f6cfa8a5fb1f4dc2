import { InitialSchema1764300000000 } from './1764300000000-initial-schema.migration';
import { RunPipeline1764400000000 } from './1764400000000-run-pipeline.migration';
import { OperatorControls1764500000000 } from './1764500000000-operator-controls.migration';
import { LearnerWallets1764600000000 } from './1764600000000-learner-wallets.migration';
import { WalletRefreshLease1764700000000 } from './1764700000000-wallet-refresh-lease.migration';
import { RevokedIdIndex1764800000000 } from './1764800000000-revoked-id-index.migration';
import { LedgerAchievementIndex1764900000000 } from './1764900000000-ledger-achievement-index.migration';

export {
  InitialSchema1764300000000,
  LedgerAchievementIndex1764900000000,
  LearnerWallets1764600000000,
  OperatorControls1764500000000,
  RevokedIdIndex1764800000000,
  RunPipeline1764400000000,
  WalletRefreshLease1764700000000,
};

/** The store's migrations, oldest first. Append new ones; never edit a released one. */
export const STORE_MIGRATIONS = [
  InitialSchema1764300000000,
  RunPipeline1764400000000,
  OperatorControls1764500000000,
  LearnerWallets1764600000000,
  WalletRefreshLease1764700000000,
  RevokedIdIndex1764800000000,
  LedgerAchievementIndex1764900000000,
] as const;
