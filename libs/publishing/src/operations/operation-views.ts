import {
  type AssertionLedgerEntity,
  type DeliveryEntity,
  type DeliveryStatus,
  type DeliveryTargetEntity,
  type LedgerRevoker,
  type LedgerStatus,
  type PayloadForm,
  type RunMode,
  type RunStatus,
  type RunTrigger,
  type SyncRunEntity,
  type TargetAuthMode,
  type TargetOrigin,
  targetOriginOf,
  targetScopes,
} from '@app/store';
import { type RunSummary } from '../runs/run-summary';

/*
 * What operations answer, as plain JSON (dates as ISO strings): the admin API sends them, the
 * CLI prints them with --json. Learners appear by ref only, never by SIS id.
 */

/** A run with its progress and counters (what `RunSummary` has, problems apart). */
export type RunView = Omit<RunSummary, 'problems'>;

/** A problem a run met, with its id (the cursor of the next page). */
export interface RunProblemView {
  id: number;
  recordSet: string;
  key: string;
  reason: string;
  effect: string | null;
  learnerRef: string | null;
}

/** A run with a page of its problems; `problems.next` is the `problemsAfter` of the next page. */
export interface RunDetailView extends RunView {
  problems: { items: RunProblemView[]; next: number | null };
}

/** A run in a list: its own counters (no plan lookup per row). */
export interface RunListItem {
  id: string;
  source: string;
  mode: RunMode;
  trigger: RunTrigger;
  requestedBy: string | null;
  status: RunStatus;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: {
    learnersSeen: number;
    learnersBuilt: number;
    learnersUnchanged: number;
    learnersFailed: number;
    deliveriesQueued: number;
    assertionsSigned: number;
    problemCount: number;
  };
}

export interface AssertionView {
  assertionId: string;
  learnerRef: string;
  achievementId: string;
  /** The kind of SIS record it was made from (`course-grade`, `degree` ...). */
  sourceKind: string;
  status: LedgerStatus;
  revokedBy: LedgerRevoker | null;
  revocationReason: string | null;
  revokedAt: string | null;
  firstVersion: number;
  lastVersion: number;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  targetId: string;
  targetName: string | null;
  learnerRef: string;
  clrVersionId: string;
  version: number;
  status: DeliveryStatus;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A delivery with the provider's last error body (imsx_StatusInfo, parsed when it is JSON). */
export interface DeliveryDetailView extends DeliveryView {
  imsxBody: unknown;
}

export interface TargetView {
  id: string;
  name: string;
  origin: TargetOrigin;
  enabled: boolean;
  baseUrl: string;
  authMode: TargetAuthMode;
  discoveryUrl: string | null;
  tokenUrl: string | null;
  scopes: string[];
  payloadForm: PayloadForm;
  concurrency: number;
  ratePerSecond: number;
  timeoutMs: number;
  /** Whether it has an OAuth client (configured or registered). */
  hasClient: boolean;
  createdAt: string;
  updatedAt: string;
  /** Its deliveries per status. */
  deliveries: Record<DeliveryStatus, number>;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

export function runView(summary: RunSummary): RunView {
  const { problems: _problems, ...view } = summary;
  return view;
}

export function runListItem(run: SyncRunEntity): RunListItem {
  return {
    id: run.id,
    source: run.source,
    mode: run.mode,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    status: run.status,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    counts: {
      learnersSeen: run.learnersSeen,
      learnersBuilt: run.learnersBuilt,
      learnersUnchanged: run.learnersUnchanged,
      learnersFailed: run.learnersFailed,
      deliveriesQueued: run.deliveriesQueued,
      assertionsSigned: run.assertionsSigned,
      problemCount: run.problemCount,
    },
  };
}

export function assertionView(entry: AssertionLedgerEntity): AssertionView {
  return {
    assertionId: entry.assertionId,
    learnerRef: entry.learnerRef,
    achievementId: entry.achievementId,
    sourceKind: entry.sourceKind,
    status: entry.status,
    revokedBy: entry.status === 'revoked' ? (entry.revokedBy ?? 'build') : null,
    revocationReason: entry.revocationReason,
    revokedAt: iso(entry.revokedAt),
    firstVersion: entry.firstVersion,
    lastVersion: entry.lastVersion,
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export function deliveryView(delivery: DeliveryEntity, targetName: string | null): DeliveryView {
  return {
    id: delivery.id,
    targetId: delivery.targetId,
    targetName,
    learnerRef: delivery.learnerRef,
    clrVersionId: delivery.clrVersionId,
    version: delivery.versionNumber,
    status: delivery.status,
    attempts: delivery.attempts,
    lastHttpStatus: delivery.lastHttpStatus,
    lastError: delivery.lastError,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    deliveredAt: iso(delivery.deliveredAt),
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
  };
}

export function deliveryDetailView(delivery: DeliveryEntity, targetName: string | null): DeliveryDetailView {
  let imsxBody: unknown = delivery.imsxBody;
  if (delivery.imsxBody !== null) {
    try {
      imsxBody = JSON.parse(delivery.imsxBody) as unknown;
    } catch {
      // Kept as the text received.
    }
  }
  return { ...deliveryView(delivery, targetName), imsxBody };
}

export function targetView(
  target: DeliveryTargetEntity,
  deliveries: Record<DeliveryStatus, number>,
): TargetView {
  return {
    id: target.id,
    name: target.name,
    origin: targetOriginOf(target),
    enabled: target.enabled,
    baseUrl: target.baseUrl,
    authMode: target.authMode,
    discoveryUrl: target.discoveryUrl,
    tokenUrl: target.tokenUrl,
    scopes: targetScopes(target),
    payloadForm: target.payloadForm,
    concurrency: target.concurrency,
    ratePerSecond: target.ratePerSecond,
    timeoutMs: target.timeoutMs,
    hasClient: target.clientId !== null,
    createdAt: target.createdAt.toISOString(),
    updatedAt: target.updatedAt.toISOString(),
    deliveries,
  };
}
