import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Optional } from '@nestjs/common';
import { DeliverClrJob, type DeliverClrOutcome } from '@app/delivery';
import { JobName, type JobOf, QueueName } from '@app/jobs';
import { ClrMetrics, type DeliveryOutcome } from '@app/observability';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';

/**
 * The deliver queue's BullMQ consumer: checks the payload, runs {@link DeliverClrJob}, and
 * hands a throttled job back to the queue (delayed, same job id, no BullMQ attempt spent).
 * It starts only once {@link DeliverWorkerLifecycle} has synced the targets (autorun off) and
 * set the concurrency from the configuration. Each attempt that ended is counted by outcome and
 * target, and timed, when the app has {@link ClrMetrics}.
 */
@Processor(QueueName.Deliver, { autorun: false })
export class DeliverProcessor extends WorkerHost {
  private readonly logger = new Logger('deliver');

  constructor(
    private readonly job: DeliverClrJob,
    @Optional() private readonly metrics?: ClrMetrics,
  ) {
    super();
  }

  async process(job: Job<unknown, DeliverClrOutcome, string>, token?: string): Promise<DeliverClrOutcome> {
    if (job.name !== (JobName.DeliverClr as string)) {
      throw new UnrecoverableError(`the deliver queue does not run ${JSON.stringify(job.name)} jobs`);
    }
    const data = deliverPayloadOf(job.data);
    const stopTimer = this.metrics?.startStage('deliver');
    const outcome = await this.job.handle(data);
    this.count(outcome, stopTimer);
    this.report(outcome);
    if (outcome.kind === 'throttled') {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }

  /** Attempts that ended: a skipped or handed-back job posted nothing and is not counted. */
  private count(outcome: DeliverClrOutcome, stopTimer: (() => number) | undefined): void {
    const counted = metricOutcome(outcome);
    if (counted === undefined || this.metrics === undefined) return;
    this.metrics.recordDelivery(counted, outcome.target ?? 'unknown');
    // The stage times posts: a superseded delivery was never sent.
    if (outcome.kind !== 'superseded') stopTimer?.();
  }

  /** Ids, target label, statuses and codes only: no payload, no learner data. */
  private report(outcome: DeliverClrOutcome): void {
    const ids = { deliveryId: outcome.deliveryId, target: outcome.target };
    switch (outcome.kind) {
      case 'delivered':
        this.logger.log(
          { ...ids, status: outcome.status, result: outcome.result, attempts: outcome.attempts },
          'delivery delivered',
        );
        break;
      case 'retrying':
        this.logger.warn(
          {
            ...ids,
            attempts: outcome.attempts,
            reason: outcome.reason,
            status: outcome.status,
            detail: outcome.error,
            nextAttemptAt: outcome.nextAttemptAt.toISOString(),
          },
          'delivery attempt failed; retrying',
        );
        break;
      case 'dead':
        this.logger.warn(
          {
            ...ids,
            attempts: outcome.attempts,
            reason: outcome.reason,
            status: outcome.status,
            detail: outcome.error,
          },
          'delivery dead: no attempt left',
        );
        break;
      case 'rejected':
        this.logger.warn(
          {
            ...ids,
            attempts: outcome.attempts,
            reason: outcome.reason,
            status: outcome.status,
            detail: outcome.error,
          },
          'delivery rejected by the target',
        );
        break;
      case 'superseded':
        this.logger.log({ ...ids, byDeliveryId: outcome.byDeliveryId }, 'delivery superseded');
        break;
      case 'skipped':
        this.logger.debug({ ...ids, reason: outcome.reason, status: outcome.status }, 'delivery skipped');
        break;
      case 'throttled':
        if (outcome.reason === 'limits_unavailable') {
          // Every delivery waits while Redis refuses the shared limits: say so where operators look.
          this.logger.warn(
            {
              ...ids,
              reason: outcome.reason,
              detail: outcome.detail,
              retryAt: outcome.retryAt.toISOString(),
            },
            'delivery handed back: the shared target limits did not answer',
          );
          break;
        }
        this.logger.debug(
          { ...ids, reason: outcome.reason, retryAt: outcome.retryAt.toISOString() },
          'delivery handed back',
        );
        break;
    }
  }
}

/** The metric outcome of a handled job; undefined for jobs that ended no attempt. */
export function metricOutcome(outcome: DeliverClrOutcome): DeliveryOutcome | undefined {
  switch (outcome.kind) {
    case 'delivered':
      return 'delivered';
    case 'retrying':
      return 'retry';
    case 'rejected':
      return 'failed';
    case 'dead':
      return 'dead';
    case 'superseded':
      return 'superseded';
    case 'skipped':
    case 'throttled':
      return undefined;
  }
}

/** A deliver job's data, checked: a job from elsewhere must not reach the handler half-formed. */
function deliverPayloadOf(data: unknown): JobOf<JobName.DeliverClr> {
  const deliveryId = (data as { deliveryId?: unknown } | null)?.deliveryId;
  if (typeof deliveryId !== 'string' || deliveryId === '' || deliveryId.length > 64) {
    throw new UnrecoverableError('deliver job data needs a deliveryId string');
  }
  return { deliveryId };
}
