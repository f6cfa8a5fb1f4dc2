import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { explainStoreError, loadCliConfig } from '../cli-config';
import { CliUsageError, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { cliActor } from '../operations/operations-context';
import { openSigningKeys } from './signing-keys.opener';

export interface KeysStoreOptions {
  config?: string;
  json?: boolean;
}

/**
 * What a rotation leaves to do. Retired keys stay published, so every signature still checks
 * against its key document; but an issuer Profile names one key (CLR 1.0), the active one, and a
 * verifier that insists on that link refuses what the retired key signed until it is signed again.
 */
const RESIGN_HINT =
  'CLRs signed with the retired key still verify against its key document; a verifier that also\n' +
  "checks the issuer Profile's key needs them signed again: clr-publisher republish --all (per source)\n";

/**
 * `clr-publisher keys rotate`: a new RSA-2048 signing key becomes active in the publisher's store
 * (private half encrypted with the master key); the previous one is retired and stays published,
 * so everything signed with it still verifies. Workers pick the new key up within seconds.
 */
@SubCommand({
  name: 'rotate',
  description: 'make a new signing key active in the store (the old one stays published)',
})
export class KeysRotateCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: KeysStoreOptions = {}): Promise<void> {
    if (params.length > 0) throw new CliUsageError(`unexpected argument '${params[0]}'`, 'keys rotate');
    const opened = await openSigningKeys(loadCliConfig(options.config)).catch(explainStoreError);
    const { keys } = opened;
    try {
      const rotated = await keys.rotate(cliActor()).catch(explainStoreError);
      this.io.out(
        options.json === true
          ? `${JSON.stringify(rotated, null, 2)}\n`
          : `active key: ${rotated.kid}\n${rotated.retired.map((kid) => `retired:    ${kid}\n`).join('')}` +
              (rotated.retired.length > 0 ? RESIGN_HINT : ''),
      );
      this.io.exitCode = EXIT_OK;
    } finally {
      await opened.close();
    }
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
