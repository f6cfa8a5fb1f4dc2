/**
 * Test-only: runs CLI commands in-process (the same `runCli` as `bin/clr-publisher.js`, with
 * the output captured) so specs need no build and no child process.
 */
import type { DynamicModule, Type } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { MemoryCliIo } from './cli-io';
import { runCli } from './run-cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(
  module: Type | DynamicModule,
  argv: readonly string[],
  stdin: string | Buffer | Readable = '',
): Promise<CliRun> {
  const io = new MemoryCliIo(stdin);
  const code = await runCli(argv, io, module);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** The repository's test fixtures. */
export const FIXTURES = resolve(__dirname, '../../../test/fixtures');
export const CLR_FIXTURES = resolve(FIXTURES, 'clr');
export const SIGNED_KEYS_DIR = resolve(CLR_FIXTURES, 'signed', 'keys');
