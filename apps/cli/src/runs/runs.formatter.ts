import { type Page, type RunDetailView, type RunListItem } from '@app/publishing';

/** Runs as a table, newest first, with the next page's offset when there is one. */
export function runListText(page: Page<RunListItem>): string {
  if (page.items.length === 0) return 'no runs\n';
  const lines = page.items.map((run) =>
    [
      run.id,
      run.status.padEnd(9),
      run.mode.padEnd(11),
      run.source,
      run.createdAt,
      `built ${run.counts.learnersBuilt}, unchanged ${run.counts.learnersUnchanged}, failed ${run.counts.learnersFailed}`,
    ].join('  '),
  );
  if (page.next !== null) lines.push(`... more: --offset ${page.next}`);
  return `${lines.join('\n')}\n`;
}

/** One run with its counters and a page of problems. */
export function runDetailText(run: RunDetailView): string {
  const { counts, batches } = run;
  const lines = [
    `run ${run.id} ${run.status} (${run.mode}, source ${run.source}, ${run.trigger}${run.requestedBy === null ? '' : ` by ${run.requestedBy}`})`,
    ...(run.error !== null ? [`error:              ${run.error}`] : []),
    `created:            ${run.createdAt}`,
    `finished:           ${run.finishedAt ?? '-'}`,
    `extract:            ${run.extract ?? 'pending'}, batches ${batches.done + batches.failed}/${batches.total} (${batches.failed} failed)`,
    `learners seen:      ${counts.learnersSeen}`,
    `built and signed:   ${counts.learnersBuilt} (${counts.assertionsSigned} assertions signed)`,
    `unchanged:          ${counts.learnersUnchanged}`,
    `failed:             ${counts.learnersFailed}`,
    `removed from SIS:   ${counts.learnersRemoved}`,
    `assertions revoked: ${counts.assertionsRevoked}`,
    `deliveries queued:  ${counts.deliveriesQueued}`,
    `problems:           ${counts.problemCount}`,
  ];
  for (const problem of run.problems.items) {
    const learner = problem.learnerRef === null ? '' : ` (learner ${problem.learnerRef})`;
    lines.push(`  #${problem.id} ${problem.recordSet} ${problem.key}: ${problem.reason}${learner}`);
  }
  if (run.problems.next !== null) lines.push(`  ... more: --problems-after ${run.problems.next}`);
  return `${lines.join('\n')}\n`;
}
