import { CliModule } from './cli.module';
import { ProcessCliIo } from './cli-io';
import { runCli } from './run-cli';

// Commands that write to process.exitCode themselves keep their status; the runner's wins when
// it reports a failure.
void runCli(process.argv.slice(2), new ProcessCliIo(), CliModule).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`clr-publisher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
