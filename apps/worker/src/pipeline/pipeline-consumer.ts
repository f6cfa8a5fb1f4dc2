import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { type QueueName } from '@app/jobs';
import { loggableError } from '@app/observability';
import { FAILED_JOB_SETTLE, type FailedJobSettleOptions, FailedJobSettler } from './failed-for-good';
import { type WorkerOptions } from './worker-options';

/**
 * A BullMQ consumer whose worker is created stopped (`autorun: false`) and started once the app
 * has booted, with the concurrency and queue selection of the {@link WorkerOptions}. Nest's
 * BullMQ module closes it on shutdown, letting the jobs in hand finish. A job that fails for good
 * (no retry follows) is handed to {@link failedForGood} after a grace period: BullMQ also fails
 * a job that stalled more often than allowed without any handler seeing it, and the run must not
 * wait for it forever.
 */
export abstract class PipelineConsumer
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  protected abstract readonly queue: QueueName;
  protected abstract readonly options: WorkerOptions;
  /** When and how often a job that failed for good is settled. */
  protected readonly failedJobSettle: FailedJobSettleOptions = FAILED_JOB_SETTLE;
  private readonly log = new Logger('Worker');
  private settler: FailedJobSettler | undefined;

  onApplicationBootstrap(): void {
    // Listened to even when it never runs: its connection may still err while it is closed.
    this.worker.on('error', (error) =>
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker error'),
    );
    if (!this.options.queues.includes(this.queue)) return;
    const concurrency = this.options.concurrency[this.queue];
    if (concurrency !== undefined) this.worker.concurrency = concurrency;
    this.settler = new FailedJobSettler(
      async (job, error) => {
        this.log.warn({ queue: this.queue, jobId: job.id, err: loggableError(error) }, 'job failed for good');
        await this.failedForGood(job, error);
      },
      (error, job, final) =>
        this.log.error(
          { queue: this.queue, jobId: job.id, err: loggableError(error), final },
          final
            ? 'a job failed for good and its run could not be told (cancel or resume the run)'
            : 'a job failed for good and its run could not be told yet; trying again',
        ),
      this.failedJobSettle,
    );
    this.settler.watch(this.worker);
    void this.worker.run().catch((error: unknown) => {
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker stopped');
    });
  }

  onApplicationShutdown(): void {
    this.settler?.close();
  }

  /** What becomes of the job's run when the job failed for good; `error` is why it failed. */
  protected abstract failedForGood(job: Job, error: Error): Promise<void>;
}
