import { Injectable, Module } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { CliInputError } from './cli.errors';
import { runInProcess } from './cli.test-kit';
import { KeysCommandModule } from './keys/keys-command.module';
import { VerifyCommandModule } from './verify/verify-command.module';

@Command({ name: 'explode', description: 'fails unexpectedly' })
class ExplodingCommand extends CommandRunner {
  run(): Promise<void> {
    return Promise.reject(new TypeError('boom'));
  }
}

@Command({ name: 'unreadable', description: 'fails with an input error' })
class UnreadableCommand extends CommandRunner {
  run(): Promise<void> {
    return Promise.reject(new CliInputError('cannot read x.json: permission denied (EACCES)'));
  }
}

@Module({
  imports: [VerifyCommandModule, KeysCommandModule],
  providers: [ExplodingCommand, UnreadableCommand],
})
class TestCliModule {}

@Injectable()
class NeedsMissingDependency {
  constructor(readonly missing: ExplodingCommand) {}
}

@Module({ providers: [NeedsMissingDependency] })
class BrokenModule {}

describe('runCli', () => {
  it('prints help to stdout and exits 0 for --help, listing the commands', async () => {
    const run = await runInProcess(TestCliModule, ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: clr-publisher \[options\] \[command\]/);
    expect(run.stdout).toMatch(/^ {2}verify \[options\] <source>/m);
    expect(run.stdout).toMatch(/^ {2}keys /m);
    expect(run.stderr).toBe('');
    const keysHelp = await runInProcess(TestCliModule, ['keys', '--help']);
    expect(keysHelp.stdout).toMatch(/^ {2}generate \[options\]/m);
    expect(keysHelp.code).toBe(0);
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const run = await runInProcess(TestCliModule, []);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: clr-publisher \[options\] \[command\]/);
  });

  it('exits 2 with a usage message for an unknown command or option', async () => {
    expect(await runInProcess(TestCliModule, ['publish-everything'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'publish-everything'\nRun 'clr-publisher --help' for usage.\n",
    });
    const option = await runInProcess(TestCliModule, ['--verbose']);
    expect(option.stderr).toContain("error: unknown option '--verbose'");
    expect(option.code).toBe(2);
  });

  it('exits 2 for a command that fails, saying how', async () => {
    expect(await runInProcess(TestCliModule, ['unreadable'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot read x.json: permission denied (EACCES)\n',
    });
    expect(await runInProcess(TestCliModule, ['explode'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: unexpected failure: TypeError: boom\n',
    });
  });

  it('exits 2, without Nest logging or aborting, when the commands cannot be assembled', async () => {
    const run = await runInProcess(BrokenModule, ['verify', 'x']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^clr-publisher: the CLI could not start: .*NeedsMissingDependency/);
  });
});
