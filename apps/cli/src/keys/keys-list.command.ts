import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { explainStoreError, loadCliConfig } from '../cli-config';
import { CliUsageError, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { type KeysStoreOptions } from './keys-rotate.command';
import { openSigningKeys } from './signing-keys.opener';

/** `clr-publisher keys list`: the store's signing keys, newest first, with their key document URLs. */
@SubCommand({
  name: 'list',
  description: "list the store's signing keys and the key documents published for them",
})
export class KeysListCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: KeysStoreOptions = {}): Promise<void> {
    if (params.length > 0) throw new CliUsageError(`unexpected argument '${params[0]}'`, 'keys list');
    const opened = await openSigningKeys(loadCliConfig(options.config)).catch(explainStoreError);
    const { keys } = opened;
    try {
      const list = await keys.list();
      if (options.json === true) {
        this.io.out(`${JSON.stringify(list, null, 2)}\n`);
      } else if (list.length === 0) {
        this.io.out('no signing keys yet (the first run creates one, or run `clr-publisher keys rotate`)\n');
      } else {
        for (const key of list) {
          const retired = key.retiredAt === null ? '' : `, retired ${key.retiredAt.toISOString()}`;
          this.io.out(
            `${key.kid}  ${key.status}  ${key.algorithm}  created ${key.createdAt.toISOString()}${retired}\n`,
          );
          for (const url of key.keyUrls) this.io.out(`    ${url}\n`);
        }
      }
      this.io.exitCode = EXIT_OK;
    } finally {
      await opened.close();
    }
  }

  @Option({ flags: '--json', description: 'print the keys as JSON' })
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
