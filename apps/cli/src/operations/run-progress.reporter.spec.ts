import { Writable } from 'node:stream';
import { type RunSummary } from '@app/publishing';
import { MemoryCliIo } from '../cli-io';
import { RunProgressReporter } from './run-progress.reporter';

/** What a terminal would receive: text with cursor movements. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 160;
  text = '';

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

class TerminalIo extends MemoryCliIo {
  readonly terminal = new FakeTerminal();

  override progressTerminal(): NodeJS.WritableStream {
    return this.terminal;
  }
}

function summary(over: {
  extract?: 'running' | 'done';
  total?: number;
  done?: number;
  built?: number;
  status?: RunSummary['status'];
}): RunSummary {
  return {
    id: '12345678-aaaa-bbbb-cccc-1234567890ab',
    source: 'demo',
    mode: 'republish',
    trigger: 'cli',
    requestedBy: 'cli',
    status: over.status ?? 'running',
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: null,
    extract: over.extract ?? 'done',
    batches: { total: over.total ?? 0, done: over.done ?? 0, failed: 0 },
    counts: {
      learnersSeen: 0,
      learnersBuilt: over.built ?? 0,
      learnersUnchanged: 0,
      learnersFailed: 0,
      learnersRemoved: 0,
      deliveriesQueued: 0,
      assertionsSigned: 0,
      assertionsRevoked: 0,
      problemCount: 0,
    },
    problems: [],
    watermarks: {},
  };
}

describe('RunProgressReporter', () => {
  it('draws a bar on a terminal (not on stdout), ending on the final counts', () => {
    const io = new TerminalIo();
    const reporter = new RunProgressReporter(io, { json: false });
    reporter.update(summary({ extract: 'running' }));
    reporter.update(summary({ total: 4, done: 1, built: 25 }));
    reporter.stop(summary({ total: 4, done: 4, built: 100, status: 'succeeded' }));
    const screen = io.terminal.text;
    expect(screen).toContain('run 12345678 |');
    expect(screen).toContain('0/1 batches | built 0, unchanged 0, failed 0 | running, extracting');
    expect(screen).toContain('4/4 batches | built 100, unchanged 0, failed 0 | succeeded');
    expect(screen).toContain('\u001b['); // cursor control: it redraws in place
    expect(io.stdout).toBe('');
  });

  it('prints one plain line per change elsewhere (logs, cron mail)', () => {
    const io = new MemoryCliIo();
    const reporter = new RunProgressReporter(io, { json: false });
    reporter.update(summary({ extract: 'running' }));
    reporter.update(summary({ extract: 'running' }));
    reporter.update(summary({ total: 4, done: 2, built: 50 }));
    reporter.stop();
    expect(io.stdout.split('\n').filter(Boolean)).toEqual([
      'run 12345678-aaaa-bbbb-cccc-1234567890ab: running, extract running, batches 0/0, built 0, unchanged 0, failed 0',
      'run 12345678-aaaa-bbbb-cccc-1234567890ab: running, extract done, batches 2/4, built 50, unchanged 0, failed 0',
    ]);
  });

  it('prints nothing with --json, even on a terminal', () => {
    const io = new TerminalIo();
    const reporter = new RunProgressReporter(io, { json: true });
    reporter.update(summary({ total: 4, done: 2 }));
    reporter.stop(summary({ total: 4, done: 4 }));
    expect(io.terminal.text).toBe('');
    expect(io.stdout).toBe('');
  });
});
