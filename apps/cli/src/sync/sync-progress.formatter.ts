import { type RunSummary } from '@app/publishing';

/** One progress line: where the run is (no learner data, only counts). */
export function progressLine(summary: RunSummary): string {
  const { counts, batches } = summary;
  return (
    `run ${summary.id}: ${summary.status}, extract ${summary.extract ?? 'pending'}, ` +
    `batches ${batches.done + batches.failed}/${batches.total}, ` +
    `built ${counts.learnersBuilt}, unchanged ${counts.learnersUnchanged}, failed ${counts.learnersFailed}`
  );
}

/** The final report of a run, for a terminal. */
export function summaryText(summary: RunSummary, problemLines = 20): string {
  const { counts } = summary;
  const lines = [
    `run ${summary.id} ${summary.status} (${summary.mode}, source ${summary.source})`,
    ...(summary.error !== null ? [`error:              ${summary.error}`] : []),
    `learners seen:      ${counts.learnersSeen}`,
    `built and signed:   ${counts.learnersBuilt} (${counts.assertionsSigned} assertions signed)`,
    `unchanged:          ${counts.learnersUnchanged}`,
    `failed:             ${counts.learnersFailed}`,
    `removed from SIS:   ${counts.learnersRemoved}`,
    `assertions revoked: ${counts.assertionsRevoked}`,
    `deliveries queued:  ${counts.deliveriesQueued}`,
    `problems:           ${counts.problemCount}`,
  ];
  for (const problem of summary.problems.slice(0, problemLines)) {
    lines.push(`  ${problem.recordSet} ${problem.key}: ${problem.reason}`);
  }
  if (counts.problemCount > Math.min(problemLines, summary.problems.length)) {
    lines.push(`  ... ${counts.problemCount - Math.min(problemLines, summary.problems.length)} more`);
  }
  return `${lines.join('\n')}\n`;
}
