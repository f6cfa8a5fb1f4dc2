import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DeliverClrJob, type DeliverClrOutcome } from '@app/delivery';
import { JobName, type JobOf, QueueName } from '@app/jobs';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';

/**
 * The deliver queue's BullMQ consumer: checks the payload, runs {@link DeliverClrJob}, and
 * hands a throttled job back to the queue (delayed, same job id, no BullMQ attempt spent).
 * It starts only once {@link DeliverWorkerLifecycle} has synced the targets (autorun off) and
 * set the concurrency from the configuration.
 */
@Processor(QueueName.Deliver, { autorun: false })
export class DeliverProcessor extends WorkerHost {
  private readonly logger = new Logger('deliver');

  constructor(private readonly job: DeliverClrJob) {
    super();
  }

  async process(job: Job<unknown, DeliverClrOutcome, string>, token?: string): Promise<DeliverClrOutcome> {
    if (job.name !== (JobName.DeliverClr as string)) {
      throw new UnrecoverableError(`the deliver queue does not run ${JSON.stringify(job.name)} jobs`);
    }
    const data = deliverPayloadOf(job.data);
    const outcome = await this.job.handle(data);
    this.report(outcome);
    if (outcome.kind === 'throttled') {
      await job.moveToDelayed(outcome.retryAt.getTime(), token);
      throw new DelayedError();
    }
    return outcome;
  }

  /** Ids, statuses and codes only: no payload, no learner data. */
  private report(outcome: DeliverClrOutcome): void {
    const id = outcome.deliveryId;
    switch (outcome.kind) {
      case 'delivered':
        this.logger.log(`delivery ${id}: delivered (HTTP ${outcome.status}, attempt ${outcome.attempts})`);
        break;
      case 'retrying':
        this.logger.warn(
          `delivery ${id}: attempt ${outcome.attempts} failed (${outcome.reason}: ${outcome.error}); next at ${outcome.nextAttemptAt.toISOString()}`,
        );
        break;
      case 'dead':
        this.logger.error(
          `delivery ${id}: dead after ${outcome.attempts} attempt(s) (${outcome.reason}: ${outcome.error})`,
        );
        break;
      case 'rejected':
        this.logger.error(`delivery ${id}: rejected (${outcome.reason}: ${outcome.error})`);
        break;
      case 'superseded':
        this.logger.log(`delivery ${id}: superseded by ${outcome.byDeliveryId}`);
        break;
      case 'skipped':
        this.logger.debug(
          `delivery ${id}: skipped (${outcome.reason}${outcome.status ? `, ${outcome.status}` : ''})`,
        );
        break;
      case 'throttled':
        this.logger.debug(
          `delivery ${id}: handed back until ${outcome.retryAt.toISOString()} (${outcome.reason})`,
        );
        break;
    }
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
