import { type AppConfig } from '@app/config';
import { type ClrIdFactory } from '@app/mapping';
import { type AssertionLedgerEntity, type PublisherStore } from '@app/store';
import { issuersInStoredClr } from '../build/ledger-entries';
import { SyncRunConflictError, SyncRunError } from '../runs/sync-run.errors';
import { type SyncRunService } from '../runs/sync-run.service';
import { type OperationActor, actorDetails } from './operation-actor';
import { OperationError, invalidField } from './operation.error';
import { type AssertionView, type RunView, assertionView, runView } from './operation-views';

/**
 * The learner's CLR rebuilt after a revocation or reinstatement: `queued` with the republish
 * run, or `not-started` with why (another run of the source is active, the queue is away). The
 * ledger change stands either way; `hint` says how to republish later.
 */
export type RepublishOutcome =
  | { status: 'queued'; run: RunView }
  | { status: 'not-started'; reason: string; activeRunId?: string; hint: string };

export interface AssertionChangeResult {
  assertion: AssertionView;
  /** `revoked`, `taken-over` (a build had revoked it: now the operator's) or `reinstated`. */
  change: 'revoked' | 'taken-over' | 'reinstated';
  republish: RepublishOutcome;
}

const HASH_SEGMENT = /^[0-9a-f]{32}$/;
const MAX_REASON = 500;

/**
 * An operator revokes or reinstates one assertion with a reason. Revoking puts it on its issuer's
 * revocation list and marks it revoked by `operator` in the ledger, which later builds respect:
 * they leave it out of the learner's CLR although its SIS row is still there, and never
 * reactivate it (see `AssertionLedgerRepository.upsertActive`). Reinstating takes it off every
 * list and makes it active again. Either way the learner's CLR is republished at once (a
 * republish run, forced) so the next version omits or includes it.
 */
export class AssertionOperations {
  private readonly defaultSource: string;

  constructor(
    private readonly store: PublisherStore,
    private readonly runs: SyncRunService,
    private readonly ids: ClrIdFactory,
    config: Pick<AppConfig, 'sis'>,
  ) {
    this.defaultSource = config.sis.sources[0].name;
  }

  /** An assertion id from its URL or the URL's last segment. */
  assertionIdOf(value: unknown): string {
    if (typeof value === 'string' && /^https?:\/\/\S+$/.test(value)) return value;
    if (typeof value === 'string' && HASH_SEGMENT.test(value)) return this.ids.url('assertions', value);
    throw invalidField(
      'assertion',
      "must be an assertion id (its URL or the URL's last segment, 32 hex digits)",
    );
  }

  /** @throws OperationError `NOT_FOUND` (`assertion_not_found`), `INVALID_INPUT`. */
  async get(assertion: string): Promise<AssertionView> {
    return assertionView(await this.entry(this.assertionIdOf(assertion)));
  }

  /**
   * @throws OperationError `INVALID_INPUT` (assertion, reason), `NOT_FOUND`, `CONFLICT`
   *   (`already_revoked`: an operator revoked it before).
   */
  async revoke(assertion: string, reason: unknown, by: OperationActor): Promise<AssertionChangeResult> {
    const assertionId = this.assertionIdOf(assertion);
    const why = reasonOf(reason);
    const entry = await this.entry(assertionId);
    const outcome = await this.store.ledger.revokeByOperator(assertionId, {
      reason: why,
      issuerId: await this.issuerOf(entry),
    });
    switch (outcome.status) {
      case 'not-found':
        throw notFound(assertionId);
      case 'already-revoked':
        throw new OperationError(
          'CONFLICT',
          'already_revoked',
          `assertion ${assertionId} was revoked by an operator at ${outcome.entry.revokedAt?.toISOString() ?? 'an unknown time'}`,
          { details: { assertion: assertionView(outcome.entry) } },
        );
      case 'revoked':
      case 'taken-over': {
        const republish = await this.republish(outcome.entry.learnerRef, by);
        await this.audit('assertion.revoke', assertionId, by, {
          reason: why,
          change: outcome.status,
          republish,
        });
        return { assertion: assertionView(outcome.entry), change: outcome.status, republish };
      }
    }
  }

  /**
   * @throws OperationError `INVALID_INPUT`, `NOT_FOUND`, `CONFLICT` (`not_revoked`;
   *   `revoked_by_build`: its SIS record is gone, only the SIS can bring it back).
   */
  async reinstate(assertion: string, reason: unknown, by: OperationActor): Promise<AssertionChangeResult> {
    const assertionId = this.assertionIdOf(assertion);
    const why = reasonOf(reason);
    const outcome = await this.store.ledger.reinstate(assertionId);
    switch (outcome.status) {
      case 'not-found':
        throw notFound(assertionId);
      case 'not-revoked':
        throw new OperationError('CONFLICT', 'not_revoked', `assertion ${assertionId} is not revoked`, {
          details: { assertion: assertionView(outcome.entry) },
        });
      case 'revoked-by-build':
        throw new OperationError(
          'CONFLICT',
          'revoked_by_build',
          `assertion ${assertionId} was revoked because its SIS record is gone; it comes back when the SIS has the record again`,
          { details: { assertion: assertionView(outcome.entry) } },
        );
      case 'reinstated': {
        const republish = await this.republish(outcome.entry.learnerRef, by);
        await this.audit('assertion.reinstate', assertionId, by, {
          reason: why,
          change: 'reinstated',
          republish,
        });
        return { assertion: assertionView(outcome.entry), change: 'reinstated', republish };
      }
    }
  }

  private async entry(assertionId: string): Promise<AssertionLedgerEntity> {
    const entry = await this.store.ledger.get(assertionId);
    if (entry === null) throw notFound(assertionId);
    return entry;
  }

  /**
   * The Profile that issued it, whose revocation list gets it: the ledger does not keep it, the
   * last CLR version that carried the assertion says it (the institution when that is gone).
   */
  private async issuerOf(entry: AssertionLedgerEntity): Promise<string> {
    const versions = await this.store.versions.listVersions(entry.learnerRef, { limit: 1000 });
    const carrying = versions.find((version) => version.version === entry.lastVersion);
    const stored = carrying === undefined ? null : await this.store.versions.getVersion(carrying.id);
    const issuer =
      stored === null ? undefined : issuersInStoredClr(stored.unsignedJson).get(entry.assertionId);
    return issuer ?? this.ids.institutionProfileId();
  }

  private async republish(learnerRef: string, by: OperationActor): Promise<RepublishOutcome> {
    const hint = `republish the learner once it can run: clr-publisher republish --learner-ref ${learnerRef} (or POST /admin/republish { "learnerRefs": ["${learnerRef}"] })`;
    const [learner] = await this.store.versions.publishedLearners({ learnerRefs: [learnerRef] });
    if (learner === undefined) {
      return { status: 'not-started', reason: 'the learner has no published CLR to republish', hint };
    }
    try {
      const run = await this.runs.trigger({
        source: learner.source ?? this.defaultSource,
        mode: 'republish',
        trigger: by.via === 'cli' ? 'cli' : 'operator',
        requestedBy: by.actor,
        learnerIds: [learner.learnerId],
        force: true,
      });
      return { status: 'queued', run: runView(await this.runs.summary(run.id, { problemLimit: 0 })) };
    } catch (error) {
      // The ledger and the revocation list have changed already; the CLR follows later.
      if (error instanceof SyncRunConflictError) {
        return { status: 'not-started', reason: error.message, activeRunId: error.activeRunId, hint };
      }
      if (error instanceof SyncRunError) return { status: 'not-started', reason: error.message, hint };
      throw error;
    }
  }

  private async audit(
    action: string,
    assertionId: string,
    by: OperationActor,
    details: { reason: string; change: string; republish: RepublishOutcome },
  ): Promise<void> {
    await this.store.audit.append({
      actor: by.actor,
      action,
      subject: assertionId,
      details: {
        reason: details.reason,
        change: details.change,
        republish: details.republish.status,
        ...(details.republish.status === 'queued' ? { runId: details.republish.run.id } : {}),
        ...(details.republish.status === 'not-started' && details.republish.activeRunId !== undefined
          ? { activeRunId: details.republish.activeRunId }
          : {}),
        ...actorDetails(by),
      },
    });
  }
}

function notFound(assertionId: string): OperationError {
  return new OperationError(
    'NOT_FOUND',
    'assertion_not_found',
    `no assertion ${assertionId} was ever issued`,
    {
      field: 'assertion',
    },
  );
}

function reasonOf(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '')
    throw invalidField('reason', 'must be a non-empty text');
  if (reason.length > MAX_REASON) throw invalidField('reason', `must be at most ${MAX_REASON} characters`);
  return reason.trim();
}
