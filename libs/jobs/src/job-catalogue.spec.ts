import { JOB_QUEUE, JobName, QueueName, jobIdOf } from './job-catalogue';

describe('job catalogue', () => {
  it('routes every job to a queue', () => {
    for (const name of Object.values(JobName)) {
      expect(Object.values(QueueName)).toContain(JOB_QUEUE[name]);
    }
  });

  it('gives the same work the same job id, and each delivery attempt its own', () => {
    const build = { name: JobName.BuildBatch, data: { runId: 'r1', batchId: 'b7' } } as const;
    expect(jobIdOf(build)).toBe(jobIdOf({ ...build }));
    const deliver = { name: JobName.DeliverClr, data: { deliveryId: 'd1' } } as const;
    expect(jobIdOf(deliver, 0)).not.toBe(jobIdOf(deliver, 1));
    expect(jobIdOf({ name: JobName.ExtractRun, data: { runId: 'r1' } })).toBe('extract-r1');
  });

  it('keeps ids apart across queues and free of the colon BullMQ refuses', () => {
    const ids = new Set([
      jobIdOf({ name: JobName.ExtractRun, data: { runId: 'x' } }),
      jobIdOf({ name: JobName.BuildBatch, data: { runId: 'x', batchId: 'x' } }),
      jobIdOf({ name: JobName.DeliverClr, data: { deliveryId: 'x' } }),
    ]);
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).not.toContain(':');
  });
});
