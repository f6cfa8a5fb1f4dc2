import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { type QueueName } from '@app/jobs';
import { loggableError } from '@app/observability';
import { type WorkerOptions } from './worker-options';

/**
 * A BullMQ consumer whose worker is created stopped (`autorun: false`) and started once the app
 * has booted, with the concurrency and queue selection of the {@link WorkerOptions}. Nest's
 * BullMQ module closes it on shutdown, letting the jobs in hand finish.
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
    void this.worker.run().catch((error: unknown) => {
      this.log.error({ queue: this.queue, err: loggableError(error) }, 'queue worker stopped');
    });
  }
}
