import { type JobAttempt } from '@app/publishing';
import { type Job } from 'bullmq';

/** Whether this is the job's last attempt under its queue's retry policy. */
export function attemptOf(job: Pick<Job, 'attemptsMade' | 'opts'>): JobAttempt {
  return { final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
}
