import { DOCUMENT_KINDS, type DocumentKind, isDocumentKind } from '@app/clr';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError, EXIT_INVALID, EXIT_OK } from '../cli.errors';
import { CliIo } from '../cli-io';
import { checkDocument, MAX_INPUT_BYTES } from './document.checker';
import { parseDocumentSource, readDocumentSource } from './document-source.reader';
import { createVerifyResolver, parseKeySource } from './verify-key.resolver';
import { formatJsonReport, formatTextReport } from './verify-report.formatter';

export interface VerifyCommandOptions {
  keys?: string;
  offline?: boolean;
  json?: boolean;
  kind?: DocumentKind;
  skipSignatures?: boolean;
}

/** How long a document URL may take to answer. */
const SOURCE_TIMEOUT_MS = 15_000;

/**
 * `clr-publisher verify <file|url|->`: validates a CLR 1.0 document and verifies everything
 * signed in it. Exit 0 valid, 1 invalid, 2 usage or I/O error.
 */
@Command({
  name: 'verify',
  arguments: '<source>',
  argsDescription: { source: 'a file, an http(s) URL, or - for standard input' },
  description:
    'validate a postClr payload, Clr, ClrSet (or other CLR 1.0 document) or compact JWS, and verify its signatures',
})
export class VerifyCommand extends CommandRunner {
  constructor(private readonly io: CliIo) {
    super();
  }

  async run(params: string[], options: VerifyCommandOptions = {}): Promise<void> {
    if (params.length !== 1) {
      throw new CliUsageError(`verify takes one source, got ${params.length}`, 'verify');
    }
    const source = parseDocumentSource(params[0]);
    const keys = parseKeySource(options.keys);
    const offline = options.offline === true;
    if (offline && keys.type !== 'dir') {
      throw new CliUsageError('--offline needs --keys <dir>: keys cannot be fetched offline', 'verify');
    }
    if (offline && source.type === 'url') {
      throw new CliUsageError('--offline cannot read a URL', 'verify');
    }
    // A broken --keys directory is reported before anything is read.
    const resolver = keys.type === 'dir' ? await createVerifyResolver(keys, { offline }) : undefined;
    const content = await readDocumentSource(source, {
      maxBytes: MAX_INPUT_BYTES,
      timeoutMs: SOURCE_TIMEOUT_MS,
      stdin: this.io.stdin,
    });
    const result = await checkDocument(content, {
      kind: options.kind,
      skipSignatures: options.skipSignatures === true,
      resolver: async () => resolver ?? createVerifyResolver(keys, { offline }),
      revocation: offline ? 'if-available' : 'required',
    });
    this.io.out(options.json === true ? formatJsonReport(result) : formatTextReport(result));
    this.io.exitCode = result.valid ? EXIT_OK : EXIT_INVALID;
  }

  @Option({
    flags: '--keys <dir|url>',
    description:
      'where keys come from: a directory of key (and revocation list) documents, or the URL keys must be published under (default: the URL each signature names)',
  })
  parseKeys(value: string): string {
    return value;
  }

  @Option({
    flags: '--offline',
    description: 'no network: keys from --keys <dir>; a revocation list not there is a warning',
  })
  parseOffline(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({
    flags: '--kind <kind>',
    description: `check as this kind instead of recognising it (${DOCUMENT_KINDS.join(', ')})`,
  })
  parseKind(value: string): DocumentKind {
    // commander's `choices` check is replaced by this parser under nest-commander: check here.
    if (!isDocumentKind(value)) {
      throw new CliUsageError(`--kind must be one of ${DOCUMENT_KINDS.join(', ')}`, 'verify');
    }
    return value;
  }

  @Option({
    flags: '--skip-signatures',
    description: 'validate only: do not check signatures, keys or revocation (a warning says so)',
  })
  parseSkipSignatures(): boolean {
    return true;
  }
}
