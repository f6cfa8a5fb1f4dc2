import { type RunSummary, SyncRunError, SyncRunService } from '@app/publishing';
import { type INestApplicationContext } from '@nestjs/common';
import { type CliIo } from '../cli-io';
import { RunProgressReporter } from './run-progress.reporter';

/**
 * Follows a run to its end with progress (bar on a terminal, lines otherwise, nothing with
 * `--json`). Needs workers consuming the queues. Resolves with the final summary, or `timedOut`
 * (the run goes on).
 */
export async function followRun(
  app: INestApplicationContext,
  io: CliIo,
  runId: string,
  options: { json: boolean; timeoutSeconds: number },
): Promise<{ summary: RunSummary } | { timedOut: string }> {
  const reporter = new RunProgressReporter(io, { json: options.json });
  try {
    const summary = await app.get(SyncRunService).waitForRun(runId, {
      timeoutMs: options.timeoutSeconds * 1000,
      pollMs: 500,
      onProgress: (progress) => reporter.update(progress),
    });
    reporter.stop(summary);
    return { summary };
  } catch (error) {
    reporter.stop();
    if (error instanceof SyncRunError && error.code === 'TIMEOUT') return { timedOut: error.message };
    throw error;
  }
}
