import { type RunSummary } from '@app/publishing';
import { type Options, Presets, SingleBar } from 'cli-progress';
import { type CliIo } from '../cli-io';
import { progressLine } from '../sync/sync-progress.formatter';

/** Fields the bar's format names, from a run summary (counts only, no learner data). */
function payloadOf(summary: RunSummary): Record<string, string | number> {
  return {
    run: summary.id.slice(0, 8),
    status: summary.extract === 'done' ? summary.status : `${summary.status}, extracting`,
    built: summary.counts.learnersBuilt,
    unchanged: summary.counts.learnersUnchanged,
    failed: summary.counts.learnersFailed,
  };
}

/**
 * Shows a run's progress while a command waits for it: a bar (batches done of planned, with the
 * learner counts) redrawn on a terminal; otherwise one plain line per change, which logs and
 * cron mails read well; nothing with `--json` (the final summary is the output).
 */
export class RunProgressReporter {
  private bar: SingleBar | undefined;
  private lastLine = '';

  constructor(
    private readonly io: CliIo,
    private readonly options: { json: boolean },
  ) {}

  update(summary: RunSummary): void {
    if (this.options.json) return;
    const terminal = this.io.progressTerminal();
    if (terminal === undefined) {
      const line = progressLine(summary);
      if (line !== this.lastLine) this.io.out(`${line}\n`);
      this.lastLine = line;
      return;
    }
    const done = summary.batches.done + summary.batches.failed;
    // The total is known once the extraction has planned every batch; until then it grows.
    const total = Math.max(summary.batches.total, done, 1);
    if (this.bar === undefined) {
      const options: Options = {
        stream: terminal,
        format:
          'run {run} |{bar}| {value}/{total} batches | built {built}, unchanged {unchanged}, failed {failed} | {status}',
        hideCursor: true,
        barsize: 30,
      };
      this.bar = new SingleBar(options, Presets.shades_classic);
      this.bar.start(total, done, payloadOf(summary));
      return;
    }
    this.bar.setTotal(total);
    this.bar.update(done, payloadOf(summary));
  }

  /** Ends the bar (its last state stays on screen). */
  stop(summary?: RunSummary): void {
    if (this.bar === undefined) return;
    if (summary !== undefined) {
      const done = summary.batches.done + summary.batches.failed;
      this.bar.setTotal(Math.max(summary.batches.total, done, 1));
      this.bar.update(done, payloadOf(summary));
    }
    this.bar.stop();
    this.bar = undefined;
  }
}
