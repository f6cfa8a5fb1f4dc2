import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { type Job, Queue } from 'bullmq';
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
 * wait for it forever. At start, the jobs of the queue that failed in the last day are settled
 * again: a process that stopped within a grace period left them unsettled.
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
  private failedJobs: Queue | undefined;
  private shutDown = false;
  /** Settles once the failed jobs left by an earlier process have been taken up. */
  protected swept: Promise<void> = Promise.resolve();

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
    this.swept = this.sweepFailed(this.settler);
    void this.worker.run().catch((error: unknown) => {
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker stopped');
    });
  }

  /**
   * Jobs that failed while no process of this queue was left to settle them (it stopped). The
   * queue that reads them stays open until shutdown: their settles check their state on it.
   */
  private async sweepFailed(settler: FailedJobSettler): Promise<void> {
    try {
      // On the worker's own connection, once it is up: a queue of its own, closed while still
      // connecting (a quick shutdown), would emit an error after BullMQ removed its listeners.
      const client = await this.worker.client;
      if (this.shutDown) return;
      const queue = new Queue(this.worker.name, { connection: client, prefix: this.worker.opts.prefix });
      queue.on('error', () => undefined); // the sweep's or a settle's catch reports what failed
      this.failedJobs = queue;
      const taken = await settler.sweep(queue);
      if (taken > 0)
        this.log.log({ queue: this.queue, jobs: taken }, 'settling jobs that failed before this start');
    } catch (error) {
      this.log.error(
        { queue: this.queue, err: loggableError(error) },
        'could not read the failed jobs of an earlier start (runs they belong to may need cancel or resume)',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutDown = true;
    this.settler?.close();
    await this.failedJobs?.close().catch(() => undefined);
  }

  /** What becomes of the job's run when the job failed for good; `error` is why it failed. */
  protected abstract failedForGood(job: Job, error: Error): Promise<void>;
}
