import { resolve } from 'node:path';
import { buildCryptographicKey, CLR_API_PATH, generateSigningKey } from '@app/clr';
import { ConfigError, loadConfig } from '@app/config';
import { ClrIdFactory } from '@app/mapping';
import { Option, SubCommand, CommandRunner } from 'nest-commander';
import { CliInputError, CliUsageError, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { writeKeyFiles } from './key-files.writer';

export interface KeysGenerateOptions {
  out?: string;
  owner?: string;
  keyUrl?: string;
  config?: string;
  force?: boolean;
}

/** File names inside `--out`. */
export const KEY_FILE_NAMES = {
  privateKey: 'private-key.pem',
  publicKey: 'public-key.pem',
  keyDocument: 'key.json',
} as const;

const KID_PLACEHOLDER = '{kid}';

/**
 * `clr-publisher keys generate --out <dir>`: a new RSA-2048 signing key (PKCS#8 private PEM,
 * mode 0600; SPKI public PEM) and its CryptographicKey document. The owner defaults to the
 * institution Profile and the key URL to `{publicBaseUrl}/ims/clr/v1p0/keys/{kid}`, both from
 * the configuration.
 */
@SubCommand({
  name: 'generate',
  description: 'generate an RSA-2048 signing key pair and its CryptographicKey document',
})
export class KeysGenerateCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: KeysGenerateOptions = {}): Promise<void> {
    if (params.length > 0) throw new CliUsageError(`unexpected argument '${params[0]}'`, 'keys generate');
    if (options.out === undefined) throw new CliUsageError('--out <dir> is required', 'keys generate');
    const out = resolve(options.out);
    const { owner, keyUrlTemplate } = this.identity(options);

    const key = await generateSigningKey();
    const keyUrl = keyUrlTemplate.split(KID_PLACEHOLDER).join(key.kid);
    const document = buildCryptographicKey({ keyUrl, ownerId: owner, publicKeyPem: key.publicKeyPem });
    const [privatePath, publicPath, documentPath] = await writeKeyFiles(
      out,
      [
        { name: KEY_FILE_NAMES.privateKey, content: key.privateKeyPem, mode: 0o600 },
        { name: KEY_FILE_NAMES.publicKey, content: key.publicKeyPem, mode: 0o644 },
        { name: KEY_FILE_NAMES.keyDocument, content: `${JSON.stringify(document, null, 2)}\n`, mode: 0o644 },
      ],
      options.force === true,
    );
    this.io.out(
      [
        `kid:          ${key.kid}`,
        `key URL:      ${keyUrl}`,
        `owner:        ${owner}`,
        `private key:  ${privatePath} (mode 0600: keep it secret, never commit it)`,
        `public key:   ${publicPath}`,
        `key document: ${documentPath} (serve it at the key URL)`,
        '',
      ].join('\n'),
    );
    this.io.exitCode = EXIT_OK;
  }

  /** The owner and key URL: from the flags, else from the configuration. */
  private identity(options: KeysGenerateOptions): { owner: string; keyUrlTemplate: string } {
    let owner = options.owner;
    let keyUrlTemplate = options.keyUrl;
    if (owner === undefined || keyUrlTemplate === undefined) {
      let publicBaseUrl: string;
      let idSecret: string;
      try {
        const config = loadConfig(options.config !== undefined ? { path: options.config } : {});
        ({ publicBaseUrl } = config);
        idSecret = config.institution.idSecret;
      } catch (error) {
        const reason = error instanceof ConfigError ? error.message : 'it cannot be loaded';
        throw new CliInputError(
          `without --owner and --key-url the configuration supplies them, but ${reason}`,
        );
      }
      owner ??= new ClrIdFactory(publicBaseUrl, idSecret).institutionProfileId();
      keyUrlTemplate ??= `${publicBaseUrl.replace(/\/+$/, '')}${CLR_API_PATH}/keys/${KID_PLACEHOLDER}`;
    }
    if (owner.trim() === '' || !URL.canParse(owner)) {
      throw new CliUsageError('--owner must be the absolute IRI of the owning Profile', 'keys generate');
    }
    const probe = keyUrlTemplate.split(KID_PLACEHOLDER).join('kid');
    if (!/^https?:\/\//i.test(probe) || !URL.canParse(probe)) {
      throw new CliUsageError('--key-url must be an absolute http(s) URL', 'keys generate');
    }
    return { owner, keyUrlTemplate };
  }

  @Option({
    flags: '--out <dir>',
    description: 'directory for the key files (created if missing)',
    required: true,
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({
    flags: '--owner <profile id>',
    description:
      'id of the Profile that owns the key (default: the institution Profile of the configuration)',
  })
  parseOwner(value: string): string {
    return value;
  }

  @Option({
    flags: '--key-url <url>',
    description: `URL the key document will be served at; ${KID_PLACEHOLDER} is replaced by the kid (default: {publicBaseUrl}${CLR_API_PATH}/keys/${KID_PLACEHOLDER})`,
  })
  parseKeyUrl(value: string): string {
    return value;
  }

  @Option({
    flags: '--config <file>',
    description: 'configuration file for the defaults (default: CLR_CONFIG, else config/default.yaml)',
  })
  parseConfig(value: string): string {
    return value;
  }

  @Option({ flags: '--force', description: 'overwrite existing key files' })
  parseForce(): boolean {
    return true;
  }
}
