import { type DynamicModule, Module } from '@nestjs/common';
import { Readable } from 'node:stream';

/**
 * Where a command reads and writes, and the exit status it ends with. Commands inject it instead
 * of touching `process` so the same command runs in a terminal ({@link ProcessCliIo}) and
 * in-process in a spec ({@link MemoryCliIo}).
 */
export abstract class CliIo {
  /** 0 until a command or the runner says otherwise. */
  exitCode = 0;
  abstract readonly stdin: Readable;
  abstract out(text: string): void;
  abstract err(text: string): void;

  /**
   * A terminal to draw live progress on (a bar that redraws itself), or undefined when output
   * goes to a file, a pipe or a test: commands then print plain progress lines instead.
   */
  progressTerminal(): NodeJS.WritableStream | undefined {
    return undefined;
  }
}

/** The real process: stdout, stderr and stdin. */
export class ProcessCliIo extends CliIo {
  get stdin(): Readable {
    return process.stdin;
  }

  out(text: string): void {
    process.stdout.write(text);
  }

  err(text: string): void {
    process.stderr.write(text);
  }

  /** stderr when it is a terminal (stdout stays clean for what the command prints). */
  override progressTerminal(): NodeJS.WritableStream | undefined {
    return process.stderr.isTTY ? process.stderr : undefined;
  }
}

/** Captures everything written; stdin is the given text (empty by default). */
export class MemoryCliIo extends CliIo {
  stdout = '';
  stderr = '';
  readonly stdin: Readable;

  constructor(stdin: string | Buffer | Readable = '') {
    super();
    this.stdin = stdin instanceof Readable ? stdin : Readable.from([Buffer.from(stdin)]);
  }

  out(text: string): void {
    this.stdout += text;
  }

  err(text: string): void {
    this.stderr += text;
  }
}

/** Provides the run's {@link CliIo} to every command, globally. */
@Module({})
export class CliIoModule {
  static forRoot(io: CliIo): DynamicModule {
    return {
      module: CliIoModule,
      global: true,
      providers: [{ provide: CliIo, useValue: io }],
      exports: [CliIo],
    };
  }
}
