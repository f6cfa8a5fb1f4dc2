import { type Clr, signClr } from '@app/clr';
import { type ClrIdFactory } from '@app/mapping';
import { type LearnerRecords } from '@app/sis';
import { type ClrVersionSummary, type PublisherStore, StoreError, type StoreRepositories } from '@app/store';
import { type SigningKeyService } from '../keys/signing-key.service';
import { unsignedClrDocuments } from './content-hash';
import { issuedAssertions, issuersInStoredClr, issuingProfiles } from './ledger-entries';

/** Why an assertion leaves a learner's CLR: its SIS row was deleted or no longer qualifies. */
export const VANISHED_REASON = 'the SIS no longer has the record this assertion was made from';
/** Why every assertion of a learner, and their CLR, is revoked when the SIS has no such learner any more. */
export const LEARNER_REMOVED_REASON = 'the learner is no longer in the SIS';

/** What one build (one run's batch) is publishing with. */
export interface PublishContext {
  runId: string;
  /** The CLRs' `issuedOn`: the run's creation time, so a replayed build makes the same documents. */
  issuedOn: string;
  /** Sign and store even when the content hash is unchanged. */
  force: boolean;
  /** Enabled delivery targets (ids) that get one delivery per new version. */
  targetIds: readonly string[];
  /**
   * The CLR ids, among the learners' latest versions, that are revoked because their learner had
   * left the SIS: a learner back in the SIS gets a new version even with unchanged content.
   */
  removedClrIds: ReadonlySet<string>;
}

/** What became of one learner. Delivery ids are to be queued (after the commit). */
export type LearnerPublication =
  | {
      kind: 'built';
      version: number;
      assertionsSigned: number;
      revoked: number;
      /** Deliveries to queue now. */
      deliveryIds: string[];
      /**
       * The version's deliveries this run made, queued now or (on a replay) by an earlier
       * attempt whose count was never settled: what the run counts as queued.
       */
      deliveries: number;
      replayed: boolean;
    }
  | { kind: 'unchanged' }
  | { kind: 'removed'; revoked: number; clrRevoked: boolean }
  | { kind: 'not-found' };

/**
 * Publishes one learner's composed CLR: diff with the latest version by content hash, and when it
 * changed, sign it (every assertion with its issuer's key, the CLR with the institution's), then in
 * one store transaction store the version, update the ledger, revoke assertions that vanished
 * (and un-revoke reasserted ones), supersede older pending deliveries and create one delivery per
 * enabled target. A replay (the version was already stored by this run) stores nothing new and
 * hands back the version's pending deliveries to queue again.
 */
export class LearnerPublisher {
  constructor(
    private readonly store: PublisherStore,
    private readonly keys: SigningKeyService,
    private readonly ids: ClrIdFactory,
  ) {}

  async publish(
    learnerRef: string,
    learnerId: string,
    clr: Clr,
    records: LearnerRecords,
    latest: ClrVersionSummary | undefined,
    context: PublishContext,
  ): Promise<LearnerPublication> {
    // One serialisation gives the stored unsigned JSON and the hash the diff compares.
    const { json: unsignedJson, contentHash } = unsignedClrDocuments(clr);
    const returning = latest !== undefined && context.removedClrIds.has(latest.clrId);
    if (latest !== undefined && latest.contentHash === contentHash && !returning) {
      if (latest.runId === context.runId) return this.replayed(latest, context, signedCount(clr));
      if (!context.force) return { kind: 'unchanged' };
    }
    const issued = issuedAssertions(clr, records, this.ids);
    const active = await this.keys.activeSigners();
    const signed = await signClr(clr, await active.signersFor(issuingProfiles(clr)));
    const version = (latest?.version ?? 0) + 1;
    try {
      const stored = await this.store.transaction(async (tx) => {
        const row = await tx.versions.storeVersion({
          learnerRef,
          learnerId,
          version,
          contentHash,
          clrId: clr.id,
          signedPayload: signed.signedClr,
          unsignedJson,
          issuedOn: new Date(context.issuedOn),
          keyId: active.kid,
          runId: context.runId,
        });
        const upsert = await tx.ledger.upsertActive(
          learnerRef,
          version,
          issued.map(({ issuerId: _issuer, ...entry }) => entry),
        );
        const issuerOf = new Map(issued.map((entry) => [entry.assertionId, entry.issuerId]));
        // A learner back in the SIS: their removal's revocation of the CLR is taken back. Asked
        // here, not only when the batch saw it, since a removal may commit after that read.
        if (latest !== undefined) {
          await tx.revocations.removeIfReason(
            this.ids.institutionProfileId(),
            clr.id,
            LEARNER_REMOVED_REASON,
          );
        }
        for (const assertionId of upsert.reactivated) {
          await tx.revocations.remove(issuerOf.get(assertionId)!, assertionId);
        }
        // A learner's first version has nothing published before it that could have vanished.
        const revoked =
          latest === undefined
            ? 0
            : await this.revokeActiveExcept(
                tx,
                learnerRef,
                new Set(issuerOf.keys()),
                latest,
                VANISHED_REASON,
              );
        const deliveryIds = await this.createDeliveries(tx, row.id, learnerRef, version, context.targetIds);
        return { deliveryIds, revoked };
      });
      return {
        kind: 'built',
        version,
        assertionsSigned: signed.clr.signedAssertions?.length ?? 0,
        revoked: stored.revoked,
        deliveryIds: stored.deliveryIds,
        deliveries: stored.deliveryIds.length,
        replayed: false,
      };
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'VERSION_CONFLICT') throw error;
      // Someone stored this learner's next version first (a replayed or duplicated job): if it
      // is this content, the work is done; otherwise the batch is retried and diffs again.
      const winner = (await this.store.versions.latestSummaries([learnerRef])).get(learnerRef);
      if (winner === undefined || winner.contentHash !== contentHash) throw error;
      return winner.runId === context.runId
        ? this.replayed(winner, context, signedCount(clr))
        : { kind: 'unchanged' };
    }
  }

  /**
   * The SIS has no such learner: every active assertion of theirs is revoked, and so is their
   * CLR, on the institution's revocation list, so a provider holding it sees it revoked and
   * getClr answers 410. `not-found` when there was nothing to revoke (never published, or
   * removed before).
   */
  async remove(learnerRef: string, latest: ClrVersionSummary | undefined): Promise<LearnerPublication> {
    const { revoked, clrRevoked } = await this.store.transaction(async (tx) => ({
      revoked: await this.revokeActiveExcept(tx, learnerRef, new Set(), latest, LEARNER_REMOVED_REASON),
      clrRevoked:
        latest !== undefined &&
        (await tx.revocations.add(this.ids.institutionProfileId(), latest.clrId, LEARNER_REMOVED_REASON)),
    }));
    return revoked > 0 || clrRevoked ? { kind: 'removed', revoked, clrRevoked } : { kind: 'not-found' };
  }

  private async replayed(
    version: ClrVersionSummary,
    context: PublishContext,
    assertionsSigned: number,
  ): Promise<LearnerPublication> {
    const { deliveryIds, deliveries } = await this.store.transaction(async (tx) => {
      const created = await this.createDeliveries(
        tx,
        version.id,
        version.learnerRef,
        version.version,
        context.targetIds,
      );
      const ofVersion = (await tx.deliveries.list({ learnerRef: version.learnerRef, limit: 1000 })).filter(
        (row) => row.clrVersionId === version.id,
      );
      const pending = ofVersion.filter((row) => row.status === 'pending').map((row) => row.id);
      return {
        deliveryIds: [...new Set([...created, ...pending])],
        // Delivered, in flight or failed since the earlier attempt, they were still queued by this run.
        deliveries: new Set([...created, ...ofVersion.map((row) => row.id)]).size,
      };
    });
    return {
      kind: 'built',
      version: version.version,
      assertionsSigned,
      revoked: 0,
      deliveryIds,
      deliveries,
      replayed: true,
    };
  }

  private async createDeliveries(
    tx: StoreRepositories,
    versionId: string,
    learnerRef: string,
    version: number,
    targetIds: readonly string[],
  ): Promise<string[]> {
    // Besides the institution's targets, the learner's own active wallet connections.
    const all = [...new Set([...targetIds, ...(await tx.wallets.activeTargetIds(learnerRef))])];
    if (all.length === 0) return [];
    for (const targetId of all) await tx.deliveries.supersedeOlder(learnerRef, targetId, version);
    return (await tx.deliveries.createDeliveries(versionId, all)).created;
  }

  /** Revokes the learner's active assertions not in `keep`, each on its issuer's list. */
  private async revokeActiveExcept(
    tx: StoreRepositories,
    learnerRef: string,
    keep: ReadonlySet<string>,
    latest: ClrVersionSummary | undefined,
    reason: string,
  ): Promise<number> {
    const vanished = (await tx.ledger.listForLearner(learnerRef, 'active')).filter(
      (row) => !keep.has(row.assertionId),
    );
    if (vanished.length === 0) return 0;
    // The issuer is not in the ledger: the last published CLR says who issued each assertion.
    const stored = latest === undefined ? null : await tx.versions.getVersion(latest.id);
    const issuers = stored === null ? new Map<string, string>() : issuersInStoredClr(stored.unsignedJson);
    const institution = this.ids.institutionProfileId();
    let revoked = 0;
    for (const row of vanished) {
      const issuerId = issuers.get(row.assertionId) ?? institution;
      if (await tx.ledger.revoke(row.assertionId, { reason, issuerId })) revoked += 1;
    }
    return revoked;
  }
}

/** Assertions `signClr` signs (all but hosted ones): what a replay of a stored version counts. */
function signedCount(clr: Clr): number {
  return (clr.assertions ?? []).filter((assertion) => assertion.verification?.type !== 'Hosted').length;
}
