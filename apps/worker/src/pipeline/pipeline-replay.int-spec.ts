import { JobName, QueueName } from '@app/jobs';
import { type BuildBatchOutcome, ExtractRunJob, SyncRunConflictError, SyncRunService } from '@app/publishing';
import { describeWithService } from '@app/testing';
import { type RunningWorker, startWorker } from '../start-worker';
import { type PipelineHarness, startPipeline } from '../../test/pipeline-harness';

/**
 * Build jobs are left in Redis (this worker consumes only the extract queue) and handed to the
 * build handler by hand: twice at once, then again, as a duplicated and a replayed job would be.
 */
describeWithService('redis', 'publishing pipeline: replays and concurrent triggers', () => {
  let h: PipelineHarness;
  let second: RunningWorker;

  beforeAll(async () => {
    h = await startPipeline('replay', 50, { queues: [QueueName.Extract] });
    // Another "process": its own app, store connection and Redis clients, same store and queues.
    second = await startWorker({ config: h.config, migrations: 'verify', logger: false, queues: [] });
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  const waitForExtract = async (runId: string): Promise<void> => {
    for (let i = 0; i < 400; i += 1) {
      if ((await h.store.plans.get(runId))?.extractStatus === 'done') return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the extraction did not finish');
  };

  it('builds a batch once however often its job is delivered, and finishes the run once', async () => {
    const run = await h.runs.trigger({ mode: 'full', trigger: 'operator', requestedBy: 'spec' });
    await waitForExtract(run.id);
    const batches = await h.store.plans.listBatches(run.id);
    expect(batches.map((batch) => batch.learnerCount)).toEqual([25, 25]);
    const build = h.producer.queue(QueueName.Build);
    expect((await build.getJobCounts('waiting')).waiting).toBe(2);
    // Queueing the same work again adds no job (deterministic ids).
    await h.producer.enqueueMany(
      batches.map(
        (batch) => ({ name: JobName.BuildBatch, data: { runId: run.id, batchId: batch.id } }) as const,
      ),
    );
    expect((await build.getJobCounts('waiting')).waiting).toBe(2);

    const [a, b] = await Promise.all([
      h.builds.handle({ runId: run.id, batchId: batches[0].id }),
      h.builds.handle({ runId: run.id, batchId: batches[0].id }),
    ]);
    const outcomes: BuildBatchOutcome[] = [a, b];
    // One of the two builds it; the other either finds it settled or replays it (same version).
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(
      outcomes.some((outcome) => outcome.status === 'skipped') ? ['built', 'skipped'] : ['built', 'built'],
    );
    expect(await h.builds.handle({ runId: run.id, batchId: batches[0].id })).toEqual({
      status: 'skipped',
      reason: 'already-settled',
    });
    expect((await h.runs.get(run.id))?.status).toBe('running');
    expect(await h.builds.handle({ runId: run.id, batchId: batches[1].id })).toMatchObject({
      status: 'built',
      built: 25,
    });

    const summary = await h.runs.summary(run.id);
    expect(summary).toMatchObject({
      status: 'succeeded',
      batches: { total: 2, done: 2, failed: 0 },
      counts: { learnersSeen: 50, learnersBuilt: 50, learnersUnchanged: 0 },
    });
    const learners = await h.store.versions.listLearners({ limit: 100 });
    expect(learners).toHaveLength(50);
    expect(learners.every((row) => row.latestVersion === 1)).toBe(true);
    // A job for a batch of a finished run changes nothing.
    expect(await h.builds.handle({ runId: run.id, batchId: batches[1].id })).toEqual({
      status: 'skipped',
      reason: 'already-settled',
    });
    expect(await h.builds.handle({ runId: run.id, batchId: 'no-such-batch' })).toEqual({
      status: 'skipped',
      reason: 'unknown-batch',
    });
  }, 120_000);

  it('replays a half-done batch without storing a version or a delivery twice', async () => {
    const { target } = await h.store.targets.upsert({
      name: 'replay-target',
      baseUrl: 'http://127.0.0.1:9',
      authMode: 'client_credentials',
      scopes: ['replace'],
      payloadForm: 'signedClr',
      concurrency: 1,
      ratePerSecond: 1,
      timeoutMs: 1000,
      enabled: true,
    });
    const run = await h.runs.trigger({ mode: 'full', trigger: 'cli', force: true });
    await waitForExtract(run.id);
    const [batch] = await h.store.plans.listBatches(run.id);
    await h.builds.handle({ runId: run.id, batchId: batch.id });
    // Some deliveries went out before the crash: posted, or in flight when it came.
    const posted = await h.store.deliveries.list({ targetId: target.id, limit: 10 });
    for (const [index, delivery] of posted.entries()) {
      expect(await h.store.deliveries.claim(delivery.id)).not.toBeNull();
      if (index < 6)
        expect(await h.store.deliveries.markDelivered(delivery.id, { httpStatus: 201 })).toBe(true);
    }
    // As if the worker died after publishing and before settling: nothing of the batch counted.
    await h.store.dataSource.query(
      `UPDATE run_batches SET status = 'pending', finished_at = NULL WHERE id = ?`,
      [batch.id],
    );
    await h.store.dataSource.query(`UPDATE sync_run_plans SET batches_done = 0 WHERE run_id = ?`, [run.id]);
    await h.store.dataSource.query(
      `UPDATE sync_runs SET learners_built = 0, deliveries_queued = 0, assertions_signed = 0 WHERE id = ?`,
      [run.id],
    );
    const replay = await h.builds.handle({ runId: run.id, batchId: batch.id });
    // Every delivery of the batch is counted queued, those already posted or in flight too.
    expect(replay).toMatchObject({ status: 'built', built: 25, deliveriesQueued: 25 });
    expect(await h.store.deliveries.list({ targetId: target.id, limit: 1000 })).toHaveLength(25);
    const statuses = (await h.store.deliveries.list({ targetId: target.id, limit: 1000 })).map(
      (row) => row.status,
    );
    expect(statuses.filter((status) => status === 'delivered')).toHaveLength(6);
    expect(statuses.filter((status) => status === 'in_flight')).toHaveLength(4);
    let learners = await h.store.versions.listLearners({ limit: 100 });
    expect(learners.filter((row) => row.latestVersion === 2)).toHaveLength(25);
    expect(learners.filter((row) => row.latestVersion > 2)).toHaveLength(0);

    const [, rest] = await h.store.plans.listBatches(run.id);
    await h.builds.handle({ runId: run.id, batchId: rest.id });
    const summary = await h.runs.summary(run.id);
    expect(summary).toMatchObject({
      status: 'succeeded',
      counts: { learnersBuilt: 50, deliveriesQueued: 50, learnersUnchanged: 0 },
    });
    expect(await h.store.deliveries.list({ targetId: target.id, limit: 1000 })).toHaveLength(50);
    learners = await h.store.versions.listLearners({ limit: 100 });
    expect(learners.every((row) => row.latestVersion === 2)).toBe(true);
    const deliverJobs = await h.producer.queue(QueueName.Deliver).getJobCounts('waiting');
    expect(deliverJobs.waiting).toBe(50);
    expect(await h.runs.cancel(run.id)).toBe(false);
  }, 120_000);

  it('starts one run when two processes trigger the same source at once', async () => {
    const other = second.app.get(SyncRunService);
    for (let round = 0; round < 5; round += 1) {
      const results = await Promise.allSettled([
        h.runs.trigger({ mode: 'incremental', trigger: 'cron' }),
        other.trigger({ mode: 'incremental', trigger: 'cron' }),
      ]);
      const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const lost = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(SyncRunConflictError);
      expect(lost[0]).toMatchObject({ code: 'RUN_CONFLICT', activeRunId: won[0].id });
      expect((lost[0] as Error).message).toContain(won[0].id);
      expect(
        (await h.store.runs.list({ source: 'demo', status: ['queued', 'running'] })).map((r) => r.id),
      ).toEqual([won[0].id]);
      await other.cancel(won[0].id);
    }
  }, 120_000);

  it('refuses a republish without learner ids and an unknown source, naming the problem', async () => {
    await expect(h.runs.trigger({ mode: 'republish', trigger: 'cli' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'a republish run needs at least one learner id',
    });
    await expect(h.runs.trigger({ source: 'registrar', mode: 'full', trigger: 'cli' })).rejects.toMatchObject(
      {
        code: 'UNKNOWN_SOURCE',
        message: 'no SIS source named "registrar" (configured: demo)',
      },
    );
    await expect(h.runs.trigger({ mode: 'full', trigger: 'cli', learnerIds: ['x'] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('fails a batch whose job failed for good unseen, so the run finishes and frees its source', async () => {
    const run = await h.runs.trigger({ mode: 'full', trigger: 'operator', requestedBy: 'spec' });
    await waitForExtract(run.id);
    const [built, lost] = await h.store.plans.listBatches(run.id);
    expect(await h.builds.handle({ runId: run.id, batchId: built.id })).toMatchObject({ status: 'built' });
    // BullMQ failed the other batch's job: it stalled more often than allowed.
    const stalled = new Error('job stalled more than allowable limit');
    await h.builds.failForGood({ runId: run.id, batchId: lost.id }, stalled);
    const summary = await h.runs.summary(run.id, { problemLimit: 100 });
    expect(summary).toMatchObject({
      status: 'failed',
      error: '1 of 2 build batch(es) failed after their retries',
      counts: { learnersFailed: lost.learnerCount },
    });
    expect(summary.problems).toContainEqual(
      expect.objectContaining({
        recordSet: 'build',
        key: `batch ${lost.seq}`,
        reason:
          'build failed: the job stalled more often than allowed (its worker died or hung each time it ran it)',
      }),
    );
    expect(await h.store.slots.holder('demo')).toBeNull();
    // Told twice (two workers saw it fail): nothing more happens.
    await h.builds.failForGood({ runId: run.id, batchId: lost.id }, stalled);
    expect((await h.runs.summary(run.id, { problemLimit: 100 })).counts).toEqual(summary.counts);
  }, 120_000);

  it('fails a run whose extraction job failed for good unseen, freeing its source', async () => {
    // A run no worker extracts (this one's extraction job is never queued).
    const queued = await h.store.runs.create({ source: 'demo', mode: 'full', trigger: 'cli' });
    await h.store.plans.create(queued.id, null);
    expect(await h.store.slots.acquire('demo', queued.id)).toBe(true);
    const extracts = h.worker.app.get(ExtractRunJob);
    await extracts.failForGood({ runId: queued.id }, new Error('job stalled more than allowable limit'));
    expect(await h.store.runs.get(queued.id)).toMatchObject({
      status: 'failed',
      error:
        'extraction failed: the job stalled more often than allowed (its worker died or hung each time it ran it)',
    });
    expect(await h.store.slots.holder('demo')).toBeNull();

    // An extraction that finished after all (a worker had lost its lock but carried on): the run
    // goes on with its batches.
    const extracted = await h.runs.trigger({ mode: 'full', trigger: 'operator', requestedBy: 'spec' });
    await waitForExtract(extracted.id);
    await extracts.failForGood({ runId: extracted.id }, new Error('job stalled more than allowable limit'));
    expect(await h.store.runs.get(extracted.id)).toMatchObject({ status: 'running', error: null });
    await h.runs.cancel(extracted.id);
  });
});
