import { RunOperations } from '@app/publishing';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliIo } from '../cli-io';
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
  json?: boolean;
  config?: string;
}

/**
 * `clr-publisher runs [id]`: the sync runs, newest first (by source and status, a page at a
 * time), or one run with its counters and problems. Reads the store only. Exit 0; 1 for an
 * unknown run; 2 for a bad option, configuration or store.
 */
@Command({
  name: 'runs',
  arguments: '[id]',
  description: 'list sync runs, or show one with its progress, counters and problems',
})
export class RunsCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: RunsOptions = {}): Promise<void> {
    noMoreArguments(params, 1, 'runs');
    const output = new OperationOutput(this.io, options.json === true);
    await withOperations(options.config, async ({ app }) => {
      const runs = app.get(RunOperations);
      try {
        if (params[0] !== undefined) {
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
