import { type RunSummary } from '@app/publishing';
import { type DeliveryCounts, openDeliveries } from './delivery-settlement';
import { type SampleVerdict } from './sample-verification';

/** What one demo run did: counts, timings and verdicts (nothing about any learner). */
export interface DemoReport {
  learners: number;
  run: RunSummary;
  /** From the trigger to the run's end, ms. */
  syncMs: number;
  /** From the trigger to the last delivery settled (or the wait given up), ms. */
  settledMs: number;
  deliveriesSettled: boolean;
  deliveries: DeliveryCounts;
  /** CLRs the provider holds (getClrs `X-Total-Count`). */
  providerHolds: number;
  verdicts: SampleVerdict[];
  /** The whole demo so far, ms. */
  elapsedMs: number;
}

/**
 * The summary lines and whether the demo succeeded: the run succeeded with no learner failed,
 * every delivery settled as delivered, the provider holds one CLR per delivery, and every
 * sampled CLR verified.
 */
export function demoVerdict(report: DemoReport): { ok: boolean; lines: string[] } {
  const { run, deliveries } = report;
  const c = run.counts;
  const failedDeliveries = deliveries.dead + deliveries.rejected;
  const created = Object.values(deliveries).reduce((sum, value) => sum + value, 0);
  const valid = report.verdicts.filter((verdict) => verdict.valid).length;
  const problems: string[] = [];
  if (run.status !== 'succeeded')
    problems.push(`the sync run ${run.status}${run.error ? `: ${run.error}` : ''}`);
  if (c.learnersFailed > 0) problems.push(`${count(c.learnersFailed)} learner(s) got no valid CLR`);
  if (!report.deliveriesSettled) {
    problems.push(`${count(openDeliveries(deliveries))} deliveries were still open when the wait ended`);
  }
  if (failedDeliveries > 0) {
    problems.push(
      `${count(failedDeliveries)} deliveries failed (${deliveries.rejected} rejected, ${deliveries.dead} dead)`,
    );
  }
  if (deliveries.delivered !== c.learnersBuilt) {
    problems.push(`${count(deliveries.delivered)} CLRs delivered for ${count(c.learnersBuilt)} signed`);
  }
  if (report.providerHolds !== deliveries.delivered) {
    problems.push(
      `the provider holds ${count(report.providerHolds)} CLRs, not ${count(deliveries.delivered)}`,
    );
  }
  if (report.verdicts.length === 0 && c.learnersBuilt > 0) problems.push('no delivered CLR could be sampled');
  if (valid < report.verdicts.length) {
    problems.push(
      `${report.verdicts.length - valid} of ${report.verdicts.length} sampled CLRs did not verify`,
    );
  }

  const lines = [
    `sync run ${run.status} in ${seconds(report.syncMs)}`,
    `  learners    ${count(c.learnersSeen)} seen: ${count(c.learnersBuilt)} built, ${count(c.learnersUnchanged)} unchanged, ${count(c.learnersFailed)} failed`,
    `  signed      ${count(c.learnersBuilt)} CLRs, ${count(c.assertionsSigned)} assertions (RS256)`,
    `  problems    ${count(c.problemCount)} SIS rows reported`,
    `deliveries ${report.deliveriesSettled ? 'settled' : 'NOT settled'} ${seconds(report.settledMs)} after the trigger`,
    `  delivered   ${count(deliveries.delivered)} of ${count(created)}; failed ${count(failedDeliveries)} (${deliveries.rejected} rejected, ${deliveries.dead} dead)` +
      (openDeliveries(deliveries) > 0 ? `; ${count(openDeliveries(deliveries))} open` : ''),
    `  provider    holds ${count(report.providerHolds)} CLRs (read back with getClrs)`,
    `verification of ${report.verdicts.length} delivered CLRs (verifyClr, keys and revocation lists fetched over HTTP from the api)`,
    ...report.verdicts.map(verdictLine),
    // The run's first problems (record set, SIS key, reason) explain a failed build.
    ...(problems.length > 0 && (run.status !== 'succeeded' || c.learnersFailed > 0)
      ? run.problems.map((problem) => `  problem  ${problem.recordSet} ${problem.key}: ${problem.reason}`)
      : []),
    '',
    problems.length === 0
      ? `OK: ${count(report.learners)} learners, ${count(c.assertionsSigned)} assertions and ${count(c.learnersBuilt)} CLRs signed, ` +
        `${count(deliveries.delivered)} delivered, ${valid}/${report.verdicts.length} verified, ${seconds(report.elapsedMs)} in all`
      : `FAILED: ${problems.join('; ')}`,
  ];
  return { ok: problems.length === 0, lines };
}

function verdictLine(verdict: SampleVerdict): string {
  const head = `  ${verdict.valid ? 'valid  ' : 'INVALID'}  ${verdict.clr}  ${verdict.signatures} signatures`;
  return [head, ...verdict.reasons.map((reason) => `           ${reason}`)].join('\n');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
