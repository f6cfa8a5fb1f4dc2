import { Command, CommandRunner } from 'nest-commander';
import { CliUsageError } from '../cli.errors';
import { KeysGenerateCommand } from './keys-generate.command';
import { KeysListCommand } from './keys-list.command';
import { KeysRotateCommand } from './keys-rotate.command';

/**
 * `clr-publisher keys <subcommand>`: signing-key management. Subcommands are listed in
 * `subCommands` and provided by {@link KeysCommandModule}.
 */
@Command({
  name: 'keys',
  description: 'manage signing keys (keys --help lists the subcommands)',
  subCommands: [KeysGenerateCommand, KeysRotateCommand, KeysListCommand],
})
export class KeysCommand extends CommandRunner {
  run(params: string[]): Promise<void> {
    // Reached only when no known subcommand was given.
    const names = this.command.commands.map((command) => command.name()).join(', ');
    const given = params[0];
    return Promise.reject(
      new CliUsageError(
        given === undefined
          ? `keys needs a subcommand (${names})`
          : `unknown keys subcommand '${given}' (${names})`,
        'keys',
      ),
    );
  }
}
