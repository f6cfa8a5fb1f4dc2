import 'reflect-metadata';
import { Injectable, type DynamicModule, Module, type Type } from '@nestjs/common';
import { CommandFactory, CommandRunnerService, InjectCommander, type CommandRunner } from 'nest-commander';
import { CliInputError, CliUsageError, EXIT_OK, EXIT_USAGE } from './cli.errors';
import { CliIo, CliIoModule } from './cli-io';

/** commander's Command, named through nest-commander (commander itself is its private dependency). */
type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

export const CLI_NAME = 'clr-publisher';

/** Hands the runner the root commander command nest-commander built. */
@Injectable()
class CommanderHandle {
  constructor(@InjectCommander() readonly root: CommanderCommand) {}
}

@Module({})
class CliRunModule {}

/** commander's own exits (help, unknown command, missing argument ...), with the command they came from. */
class CommanderExit extends Error {
  constructor(
    readonly code: string,
    readonly exitCode: number,
    readonly command: CommanderCommand,
  ) {
    super(code);
  }
}

/**
 * Runs the CLI once: builds the Nest context around `commands` (the whole `CliModule`, or
 * one command's module in a spec), parses `argv` (the arguments after the program name) and returns the
 * exit status. Nothing is logged by Nest; commander's help and errors go to `io`, and every
 * command-line error (unknown command or option, missing argument) is exit 2 with a usage hint.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: Type | DynamicModule,
): Promise<number> {
  let app;
  try {
    app = await CommandFactory.createWithoutRunning(
      { module: CliRunModule, imports: [CliIoModule.forRoot(io), commands], providers: [CommanderHandle] },
      {
        logger: false,
        // Nest's default is process.abort() on a bootstrap error: report it instead.
        abortOnError: false,
        cliName: CLI_NAME,
        serviceErrorHandler: (error: Error) => handleFailure(error, io),
      },
    );
  } catch (error) {
    io.err(`${CLI_NAME}: the CLI could not start: ${describe(error)}\n`);
    return EXIT_USAGE;
  }
  try {
    const program = app.get(CommanderHandle).root;
    program.name(CLI_NAME);
    configureTree(program, io);
    await app.get(CommandRunnerService).run(['node', CLI_NAME, ...argv]);
  } finally {
    await app.close();
  }
  return io.exitCode;
}

/**
 * nest-commander applies its options to the root command only; commander does not pass them on
 * to subcommands added with `addCommand`. Every command gets the output routing and an exit
 * override, so no error path reaches `process.exit`.
 */
function configureTree(command: CommanderCommand, io: CliIo): void {
  command.configureOutput({
    writeOut: (text) => io.out(text),
    writeErr: (text) => io.err(text),
    outputError: (text, write) => write(text),
  });
  command.exitOverride((error) => {
    throw new CommanderExit(error.code, error.exitCode, command);
  });
  for (const child of command.commands) configureTree(child, io);
}

function handleFailure(error: unknown, io: CliIo): void {
  if (error instanceof CommanderExit) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      (error.code === 'commander.help' && error.exitCode === 0)
    ) {
      io.exitCode = EXIT_OK;
      return;
    }
    // commander has printed its message ("error: unknown option '--x'"); `help` (no command
    // given) has printed the help itself.
    if (error.code !== 'commander.help') io.err(usageHint(error.command));
    io.exitCode = EXIT_USAGE;
    return;
  }
  if (error instanceof CliUsageError) {
    io.err(`error: ${error.message}\n${usageHint(undefined, error.command)}`);
  } else if (error instanceof CliInputError) {
    io.err(`error: ${error.message}\n`);
  } else {
    io.err(`error: unexpected failure: ${describe(error)}\n`);
  }
  io.exitCode = EXIT_USAGE;
}

function usageHint(command: CommanderCommand | undefined, name?: string): string {
  const path = name ?? (command ? commandPath(command) : '');
  const usage = command && command.parent ? `Usage: ${CLI_NAME} ${path} ${command.usage()}\n` : '';
  return `${usage}Run '${[CLI_NAME, path, '--help'].filter(Boolean).join(' ')}' for usage.\n`;
}

function commandPath(command: CommanderCommand): string {
  const names: string[] = [];
  for (let current: CommanderCommand | null = command; current?.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const firstLine = error.message.split('\n')[0] ?? '';
  return `${error.name}: ${firstLine.slice(0, 300)}`;
}
