/**
 * A worker process killed (SIGKILL) in the middle of a run, and another one started: the run
 * still finishes, no learner is lost or built twice, and every learner's CLR reaches the
 * provider. A post in flight when the worker died may reach the provider twice (its 201 was
 * never recorded, so it is sent again): only those, and never an older version after a newer.
 */
import { describeWithService } from '@app/testing';
import { type DeliveryEntity } from '@app/store';
import {
  type PipelineStack,
  removeWorkerBuild,
  startPipelineStack,
  workerMain,
} from '../support/pipeline-harness';

const LEARNERS = 120;

describeWithService('redis', 'worker killed mid-run (child process, SQLite store)', () => {
  let stack: PipelineStack;

  beforeAll(async () => {
    workerMain(); // build once, before the clock of any test starts
    // The provider checks structure only: no key fetches that could outlast a short post timeout
    // (a timed-out post that was accepted is a duplicate by timeout, not the crash under test),
    // and a short timeout lets the killed worker's in-flight posts be reclaimed quickly.
    stack = await startPipelineStack({
      name: 'crash',
      learners: LEARNERS,
      worker: 'child',
      batchSize: 4,
      provider: { verifySignatures: false },
      deliveryTimeoutMs: 5000,
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    removeWorkerBuild();
  }, 60_000);

  it('loses and duplicates nothing when the worker is killed and another one takes over', async () => {
    const state = stack.provider.state;
    // Slow posts: deliveries are still in flight while builds go on.
    state.injectFault({ delayMs: 120, count: 100_000 });
    await stack.startWorker();
    const run = await stack.runs.trigger({ mode: 'full', trigger: 'cli', requestedBy: 'e2e' });

    // Kill as soon as some batches are built and deliveries have started, with most batches
    // still to build (waiting for several delivered CLRs let a fast build finish every batch).
    const deadline = Date.now() + 60_000;
    let progress = { batchesDone: 0, batchesTotal: 0, posting: 0 };
    for (;;) {
      const plan = await stack.store.plans.get(run.id);
      const counts = await stack.store.deliveries.countByStatus();
      const posting = counts.delivered + counts.in_flight;
      progress = { batchesDone: plan?.batchesDone ?? 0, batchesTotal: plan?.batchesTotal ?? 0, posting };
      if (progress.batchesDone >= 2 && progress.posting >= 1) break;
      if (Date.now() > deadline) throw new Error(`the run never got far enough: ${JSON.stringify(progress)}`);
      await new Promise((done) => setTimeout(done, 10));
    }
    await stack.killWorker();
    const inFlight: DeliveryEntity[] = await stack.store.deliveries.list({
      status: 'in_flight',
      limit: 1000,
    });
    const planAtKill = await stack.store.plans.get(run.id);
    expect(planAtKill!.batchesDone).toBeLessThan(planAtKill!.batchesTotal);
    expect((await stack.runs.get(run.id))!.status).not.toBe('succeeded');

    await stack.startWorker();
    const summary = await stack.runs.waitForRun(run.id, { timeoutMs: 150_000, pollMs: 100 });
    expect(summary).toMatchObject({
      status: 'succeeded',
      batches: { failed: 0 },
      counts: {
        learnersSeen: LEARNERS,
        learnersBuilt: LEARNERS,
        learnersFailed: 0,
        // A batch replayed after the kill counts the deliveries the killed worker had posted too.
        deliveriesQueued: LEARNERS,
      },
    });
    const counts = await stack.settle(150_000);
    expect(counts).toMatchObject({ delivered: LEARNERS, rejected: 0, dead: 0, superseded: 0 });

    // One version and one delivery per learner: nothing built twice.
    const learners = await stack.store.versions.listLearners({ limit: 1000 });
    expect(learners).toHaveLength(LEARNERS);
    expect(learners.every((learner) => learner.latestVersion === 1)).toBe(true);
    const deliveries = await stack.store.deliveries.list({ limit: 1000 });
    expect(deliveries).toHaveLength(LEARNERS);
    expect(new Set(deliveries.map((delivery) => delivery.learnerRef)).size).toBe(LEARNERS);

    // Every learner's CLR arrived, as stored; twice only where a post was in flight at the kill.
    const perClr = state.countsByClrId();
    const inFlightClrs = new Set(
      await Promise.all(
        inFlight.map(
          async (delivery) => (await stack.store.versions.getVersion(delivery.clrVersionId))!.clrId,
        ),
      ),
    );
    const duplicated: string[] = [];
    for (const learner of learners) {
      const latest = (await stack.store.versions.getVersion(
        (await stack.store.versions.listVersions(learner.learnerRef, { limit: 1 }))[0].id,
      ))!;
      const accepted = perClr[latest.clrId]?.accepted ?? 0;
      expect({ clr: latest.clrId, delivered: accepted >= 1 }).toEqual({ clr: latest.clrId, delivered: true });
      if (accepted > 1) duplicated.push(latest.clrId);
      expect((state.getClr(latest.clrId)!.payload as { signedClr: string }).signedClr).toBe(
        latest.signedPayload,
      );
    }
    for (const clrId of duplicated) {
      expect({ clrId, inFlightAtKill: inFlightClrs.has(clrId) }).toEqual({ clrId, inFlightAtKill: true });
      expect(perClr[clrId].accepted).toBe(2);
    }
    expect(duplicated.length).toBeLessThanOrEqual(inFlight.length);
    process.stdout.write(
      `killed at ${JSON.stringify(progress)} with ${inFlight.length} posts in flight; ${duplicated.length} CLR(s) received twice\n`,
    );
  }, 360_000);
});
