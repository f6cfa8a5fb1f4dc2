import { type AppConfig, ConfigError, type LoadConfigOptions, loadConfig } from '@app/config';
import {
  type LearnerComposition,
  type StandaloneComposer,
  type StandaloneComposerOptions,
  createLearnerClrComposer,
} from '@app/publishing';
import { SisError } from '@app/sis';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../cli.errors';
import { CliIo } from '../cli-io';

export interface PreviewOptions {
  /** Configuration file (default `CLR_CONFIG`, else config/default.yaml). */
  config?: string;
  /** The configured SIS source to read (default the first). */
  source?: string;
}

/** What a spec may replace: where the configuration comes from, the clock, the composer's parts. */
export interface PreviewDeps {
  configLoad?: LoadConfigOptions;
  /** The CLR's `issuedOn`; default now, to the second, in UTC. */
  now?: () => Date;
  composer?: StandaloneComposerOptions;
}

/** `2025-07-15T12:00:00Z`: the form the publisher stamps on a CLR. */
function issuedOnOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sourceNameOf(config: AppConfig, options: PreviewOptions): string {
  return options.source ?? config.sis.sources[0].name;
}

/**
 * What `clr-publisher preview` does; returns the exit status. Prints, as JSON on stdout, the
 * unsigned CLR the learner would get now with the problems of their rows, CASE warnings and
 * validation findings. 0 valid; 1 invalid (still printed) or unknown learner (message on stderr);
 * 2 when it cannot run (command line, configuration with every problem listed, SIS unreachable
 * or not fitting the contract). The learner id is never written to stderr.
 */
export async function runPreview(
  learnerId: string,
  options: PreviewOptions,
  io: CliIo,
  deps: PreviewDeps = {},
): Promise<number> {
  const id = learnerId.trim();
  if (id === '') {
    io.err("error: the learner id is empty\nRun 'clr-publisher preview --help' for usage.\n");
    return EXIT_USAGE;
  }
  let config: AppConfig;
  try {
    config = loadConfig({
      ...deps.configLoad,
      ...(options.config !== undefined ? { path: options.config } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options.source !== undefined && !config.sis.sources.some((source) => source.name === options.source)) {
    io.err(
      `error: --source: no SIS source named "${options.source}" (configured: ${config.sis.sources
        .map((source) => source.name)
        .join(', ')})\n`,
    );
    return EXIT_USAGE;
  }

  let standalone: StandaloneComposer;
  try {
    standalone = await createLearnerClrComposer(config, deps.composer);
  } catch (error) {
    io.err(`error: ${cannotRun(error)}\n`);
    return EXIT_USAGE;
  }
  try {
    const issuedOn = issuedOnOf((deps.now ?? (() => new Date()))());
    let composition: LearnerComposition;
    try {
      composition = await standalone.composer.compose(id, { issuedOn, sourceName: options.source });
    } catch (error) {
      if (error instanceof SisError) {
        io.err(`error: ${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
    const source = sourceNameOf(config, options);
    if (composition.status === 'unknown-learner') {
      io.err(`error: SIS source "${source}" has no usable learner row for this id\n`);
      if (composition.problems.length > 0) {
        io.out(
          `${JSON.stringify({ status: composition.status, source, problems: composition.problems }, null, 2)}\n`,
        );
      }
      return EXIT_INVALID;
    }
    const { status, clr, problems, caseWarnings, findings, reasons } = composition;
    io.out(
      `${JSON.stringify({ status, source, clr, problems, caseWarnings, findings, reasons }, null, 2)}\n`,
    );
    if (status === 'invalid') {
      io.err(
        `error: the CLR is invalid (${findings.length} finding${findings.length === 1 ? '' : 's'}` +
          `${reasons.length > 0 ? `, ${reasons.length} other reason${reasons.length === 1 ? '' : 's'}` : ''})\n`,
      );
      return EXIT_INVALID;
    }
    return EXIT_OK;
  } finally {
    await standalone.close();
  }
}

/** A failure to set up: SIS record-set configuration, a CASE package file. Messages name no learner. */
function cannotRun(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `clr-publisher preview <learner-id>`: the unsigned CLR a learner would get now, without publishing it. */
@Command({
  name: 'preview',
  arguments: '<learner-id>',
  description:
    'print (JSON) the unsigned CLR a learner would get now, with row problems, CASE warnings and validation findings; publishes nothing',
})
export class PreviewCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run([learnerId]: string[], options: PreviewOptions = {}): Promise<void> {
    this.io.exitCode = await runPreview(learnerId ?? '', options, this.io);
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }

  @Option({ flags: '--source <name>', description: 'the configured SIS source to read (default: the first)' })
  parseSource(value: string): string {
    return value;
  }
}
