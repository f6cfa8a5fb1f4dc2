import { JobName, type JobOf, QueueName } from '@app/jobs';
import { ExtractRunJob, type ExtractRunOutcome } from '@app/publishing';
import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { attemptOf } from './job-attempt';
import { PipelineConsumer } from './pipeline-consumer';
import { WORKER_OPTIONS, type WorkerOptions } from './worker-options';

/** Consumes the extract queue: hands each ExtractRun job to {@link ExtractRunJob}. */
@Processor(QueueName.Extract, { autorun: false })
export class ExtractConsumer extends PipelineConsumer {
  protected readonly queue = QueueName.Extract;

  constructor(
    private readonly handler: ExtractRunJob,
    @Inject(WORKER_OPTIONS) protected readonly options: WorkerOptions,
  ) {
    super();
  }

  async process(job: Job<JobOf<JobName.ExtractRun>>): Promise<ExtractRunOutcome> {
    if (job.name !== (JobName.ExtractRun as string))
      throw new UnrecoverableError(`unexpected job ${job.name}`);
    return this.handler.handle(job.data, attemptOf(job));
  }

  protected failedForGood(job: Job<JobOf<JobName.ExtractRun>>, error: Error): Promise<void> {
    if (job.name !== (JobName.ExtractRun as string)) return Promise.resolve();
    return this.handler.failForGood(job.data, error);
  }
}
