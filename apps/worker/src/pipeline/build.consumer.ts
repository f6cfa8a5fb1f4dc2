import { JobName, type JobOf, QueueName } from '@app/jobs';
import { BuildBatchJob, type BuildBatchOutcome } from '@app/publishing';
import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { attemptOf } from './job-attempt';
import { PipelineConsumer } from './pipeline-consumer';
import { WORKER_OPTIONS, type WorkerOptions } from './worker-options';

/** Consumes the build queue: hands each BuildBatch job to {@link BuildBatchJob}. */
@Processor(QueueName.Build, { autorun: false })
export class BuildConsumer extends PipelineConsumer {
  protected readonly queue = QueueName.Build;

  constructor(
    private readonly handler: BuildBatchJob,
    @Inject(WORKER_OPTIONS) protected readonly options: WorkerOptions,
  ) {
    super();
  }

  async process(job: Job<JobOf<JobName.BuildBatch>>): Promise<BuildBatchOutcome> {
    if (job.name !== (JobName.BuildBatch as string))
      throw new UnrecoverableError(`unexpected job ${job.name}`);
    return this.handler.handle(job.data, attemptOf(job));
  }

  protected failedForGood(job: Job<JobOf<JobName.BuildBatch>>, error: Error): Promise<void> {
    if (job.name !== (JobName.BuildBatch as string)) return Promise.resolve();
    return this.handler.failForGood(job.data, error);
  }
}
