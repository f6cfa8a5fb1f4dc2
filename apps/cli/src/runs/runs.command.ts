import { RunOperations } from '@app/publishing';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliIo } from '../cli-io';
import { CliUsageError } from '../cli.errors';
import { noMoreArguments, wholeNumber } from '../operations/option-parsers';
import { OperationOutput } from '../operations/operation-output';
import { withOperations } from '../operations/operations-context';
import { runDetailText, runListText } from './runs.formatter';

export interface RunsOptions {
  source?: string;
  status?: string;
  limit?: number;
  offset?: number;
  problemsAfter?: number;
  problemsLimit?: number;
  cancel?: boolean;
  reason?: string;
  resume?: boolean;
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher runs [id]`: the sync runs, newest first (by source and status, a page at a
 * time), or one run with its counters and problems; `runs <id> --cancel [--reason R]` ends an
 * active run as cancelled, `runs <id> --resume` queues its lost work again (both audited). Exit
 * 0; 1 for an unknown run or one that is over (cancel, resume); 2 for a bad option,
 * configuration or store.
 */
@Command({
  name: 'runs',
  arguments: '[id]',
  description:
    'list sync runs, or show one with its progress, counters and problems; cancel or resume an active one',
})
export class RunsCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: RunsOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'runs');
    const output = new OperationOutput(this.io, options.json === true);
    const action = options.cancel === true ? 'cancel' : options.resume === true ? 'resume' : undefined;
    if (options.cancel === true && options.resume === true) {
      throw new CliUsageError('--cancel and --resume exclude each other', 'runs');
    }
    if (action !== undefined && params[0] === undefined) {
      throw new CliUsageError(`--${action} needs the run's id`, 'runs');
    }
    if (options.reason !== undefined && action !== 'cancel') {
      throw new CliUsageError('--reason goes with --cancel', 'runs');
    }
    await withOperations(options.config, async ({ app, actor }) => {
      const runs = app.get(RunOperations);
      try {
        if (action === 'cancel') {
          const run = await runs.cancel(params[0], options.reason, actor);
          output.ok(run, `run ${run.id} cancelled; its source ${run.source} is free`);
        } else if (action === 'resume') {
          const resumed = await runs.resume(params[0], actor);
          output.ok(
            resumed,
            `run ${resumed.run.id}: extraction ${resumed.extractQueued ? 'queued again' : 'not queued again (done or still queued)'}, ${resumed.batchesQueued} batch job(s) queued again`,
          );
        } else if (params[0] !== undefined) {
          const run = await runs.detail(params[0], {
            problemsAfter: options.problemsAfter,
            problemsLimit: options.problemsLimit,
          });
          output.ok(run, runDetailText(run));
        } else {
          const page = await runs.list({
            source: options.source,
            status: options.status,
            limit: options.limit,
            offset: options.offset,
          });
          output.ok(page, runListText(page));
        }
      } catch (error) {
        output.failed(error);
      }
    });
  }

  @Option({ flags: '--source <name>', description: 'only runs of this SIS source' })
  parseSource(value: string): string {
    return value;
  }

  @Option({ flags: '--status <status>', description: 'only runs in this status (several: queued,running)' })
  parseStatus(value: string): string {
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'runs per page (1-500, default 50)' })
  parseLimit(value: string): number {
    return wholeNumber('--limit', value, 1, 500, 'runs');
  }

  @Option({ flags: '--offset <n>', description: 'runs to skip (the previous page said how many)' })
  parseOffset(value: string): number {
    return wholeNumber('--offset', value, 0, 2_147_483_647, 'runs');
  }

  @Option({
    flags: '--problems-after <id>',
    description: "with an id: problems after this one (the previous page's last)",
  })
  parseProblemsAfter(value: string): number {
    return wholeNumber('--problems-after', value, 0, 2_147_483_647, 'runs');
  }

  @Option({ flags: '--problems-limit <n>', description: 'with an id: problems per page (1-500, default 50)' })
  parseProblemsLimit(value: string): number {
    return wholeNumber('--problems-limit', value, 1, 500, 'runs');
  }

  @Option({
    flags: '--cancel',
    description: 'with an id: end the active run as cancelled, freeing its source',
  })
  parseCancel(): boolean {
    return true;
  }

  @Option({ flags: '--reason <text>', description: 'with --cancel: why (kept on the run and audited)' })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--resume', description: "with an id: queue the active run's lost jobs again" })
  parseResume(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print the result as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }
}
