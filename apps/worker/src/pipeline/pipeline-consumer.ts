import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { type QueueName } from '@app/jobs';
import { loggableError } from '@app/observability';
import { settleJobsFailedForGood } from './failed-for-good';
import { type WorkerOptions } from './worker-options';

/**
 * A BullMQ consumer whose worker is created stopped (`autorun: false`) and started once the app
 * has booted, with the concurrency and queue selection of the {@link WorkerOptions}. Nest's
 * BullMQ module closes it on shutdown, letting the jobs in hand finish. A job that fails for good
 * (no retry follows) is handed to {@link failedForGood}: BullMQ also fails a job that stalled
 * more often than allowed without any handler seeing it, and the run must not wait for it.
 */
export abstract class PipelineConsumer extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly queue: QueueName;
  protected abstract readonly options: WorkerOptions;
  private readonly log = new Logger('Worker');

  onApplicationBootstrap(): void {
    if (!this.options.queues.includes(this.queue)) return;
    const concurrency = this.options.concurrency[this.queue];
    if (concurrency !== undefined) this.worker.concurrency = concurrency;
    this.worker.on('error', (error) =>
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker error'),
    );
    settleJobsFailedForGood(
      this.worker,
      async (job, error) => {
        this.log.warn({ queue: this.queue, jobId: job.id, err: loggableError(error) }, 'job failed for good');
        await this.failedForGood(job, error);
      },
      (error, job) =>
        this.log.error(
          { queue: this.queue, jobId: job.id, err: loggableError(error) },
          'a job failed for good and its run could not be told',
        ),
    );
    void this.worker.run().catch((error: unknown) => {
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker stopped');
    });
  }

  /** What becomes of the job's run when the job failed for good; `error` is why it failed. */
  protected abstract failedForGood(job: Job, error: Error): Promise<void>;
}
