import { resolve } from 'node:path';
import { projectRoot } from '@app/config';
import { generateDemoSis, mutateDemoSis } from '@app/sis';
import { Command, CommandRunner, Option } from 'nest-commander';

/** The options as commander hands them over (text); checked by {@link runDemoSis}. */
export interface DemoSisCommandOptions {
  learners?: string;
  out?: string;
  seed?: string;
  defects?: boolean;
  /** Instead of generating: change this share of the learners of an existing demo SIS. */
  mutate?: string;
}

/** The file the embedded demo configuration reads (config/default.yaml). */
export const DEFAULT_DEMO_SIS = '.data/demo-sis.sqlite';

/** What `clr-publisher demo-sis` does; returns the exit code (2: bad options). */
export function runDemoSis(options: DemoSisCommandOptions, out: (line: string) => void): number {
  const file = options.out !== undefined ? resolve(options.out) : resolve(projectRoot(), DEFAULT_DEMO_SIS);
  const seed = options.seed === undefined ? 1 : parseCount(options.seed, '--seed');
  if (options.mutate !== undefined) {
    const fraction = Number(options.mutate);
    if (options.mutate.trim() === '' || !Number.isFinite(fraction)) {
      throw new Error(`--mutate must be a number in (0, 1], not "${options.mutate}"`);
    }
    const result = mutateDemoSis(file, { fraction, seed });
    out(
      `demo SIS changed: ${file}: ${result.learnerIds.length} learners (${result.gradesChanged} grades changed, ` +
        `${result.learnerIds.length - result.gradesChanged} learner rows touched)`,
    );
    return 0;
  }
  if (options.learners === undefined) throw new Error('--learners <n> is required (or --mutate <fraction>)');
  const learners = parseCount(options.learners, '--learners');
  const summary = generateDemoSis({ learners, out: file, seed, defects: options.defects });
  const rows = Object.entries(summary.rows)
    .map(([set, count]) => `${set.replace(/^clr_/, '')} ${count}`)
    .join(', ');
  out(`demo SIS written: ${summary.file} (seed ${summary.seed}, ${summary.elapsedMs} ms)`);
  out(`rows: ${rows}`);
  if (summary.defectiveLearners.length > 0)
    out(`learners with data defects: ${summary.defectiveLearners.length}`);
  return 0;
}

function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim())) throw new Error(`${flag} must be a whole number, not "${value}"`);
  return Number(value);
}

/**
 * `clr-publisher demo-sis --learners N [--out FILE] [--seed S] [--defects]`: writes a realistic,
 * deterministic SIS (the SIS contract's views as SQLite tables). `--mutate F` changes a share F
 * of an existing one's learners instead (incremental-run tests and benchmarks).
 */
@Command({
  name: 'demo-sis',
  description: 'write a deterministic demo SIS (SQLite) for the embedded demo, tests and benchmarks',
})
export class DemoSisCommand extends CommandRunner {
  // Options are checked in runDemoSis, not in commander's parsers: a bad value is one clear line and exit 2.
  run(_params: string[], options: DemoSisCommandOptions = {}): Promise<void> {
    try {
      process.exitCode = runDemoSis(options, (line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      process.stderr.write(`demo-sis failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    }
    return Promise.resolve();
  }

  @Option({ flags: '-n, --learners <n>', description: 'how many learners (e.g. 200; 20000 for a benchmark)' })
  parseLearners(value: string): string {
    return value;
  }

  @Option({
    flags: '-o, --out <file>',
    description: `SQLite file to write (default: ${DEFAULT_DEMO_SIS} in the project)`,
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '-s, --seed <seed>',
    description: 'seed (default 1): the same seed writes the same bytes',
  })
  parseSeed(value: string): string {
    return value;
  }

  @Option({
    flags: '--defects',
    description: 'add the data defects a real SIS has (about one learner in 250)',
  })
  parseDefects(): boolean {
    return true;
  }

  @Option({
    flags: '--mutate <fraction>',
    description:
      'change this share (0-1] of the learners of an existing demo SIS: one grade each, updated_at now',
  })
  parseMutate(value: string): string {
    return value;
  }
}
