import { Writable } from 'node:stream';
import { createLogger } from './logger.factory';
import { loggableError } from './safe-error';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with level name, ISO time and service', () => {
    const out = capture();
    createLogger({ level: 'info', service: 'worker', destination: out.stream }).info(
      { runId: 'r-1' },
      'run started',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', service: 'worker', runId: 'r-1', msg: 'run started' });
    expect(typeof line.time).toBe('string');
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('honours the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', service: 'api', destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('redacts authorization headers, bodies and secrets logged by hand', () => {
    const out = capture();
    createLogger({ level: 'info', service: 'api', destination: out.stream }).info(
      {
        req: {
          headers: { authorization: 'Bearer s3cr3t-token', cookie: 'sid=abc' },
          body: { name: 'Jane Doe' },
        },
        target: { clientSecret: 'client-s3cret', token: 'tok-1' },
        body: 'raw body',
      },
      'oops',
    );
    const text = JSON.stringify(out.lines());
    for (const secret of ['s3cr3t-token', 'sid=abc', 'Jane Doe', 'client-s3cret', 'tok-1', 'raw body']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('logs errors under err through loggableError', () => {
    const out = capture();
    createLogger({ level: 'info', service: 'api', destination: out.stream }).error(
      { err: new TypeError('cannot read grade of jane@example.edu') },
      'failed',
    );
    const [line] = out.lines();
    expect(line.err).toMatchObject({ type: 'TypeError' });
    expect(JSON.stringify(line)).not.toContain('jane@example.edu');
  });
});

describe('loggableError', () => {
  it("keeps the message of the publisher's own errors and of Node system errors", () => {
    class StoreError extends Error {
      override readonly name = 'StoreError';
      readonly code = 'NOT_FOUND';
    }
    expect(loggableError(new StoreError('no run r-1'))).toMatchObject({
      type: 'StoreError',
      code: 'NOT_FOUND',
      message: 'no run r-1',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(loggableError(refused)).toMatchObject({ code: 'ECONNREFUSED', message: refused.message });
  });

  it('drops the message of unknown and driver errors (they may quote a row), keeping class, code and frames', () => {
    const driver = Object.assign(new Error('duplicate key value (S-90210)'), {
      name: 'QueryFailedError',
      code: '23505',
      driverError: {},
    });
    const logged = loggableError(driver);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '23505' });
    expect(logged.message).toBeUndefined();
    expect(JSON.stringify(logged)).not.toContain('S-90210');
    expect(logged.stack).toMatch(/^\s+at /);
    expect(loggableError(new Error('grade B+ for S-90210')).message).toBeUndefined();
  });

  it('follows the cause once and passes non-errors and logged errors through', () => {
    const error = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ETIMEDOUT' }) });
    expect(loggableError(error).cause).toMatchObject({ type: 'Error', code: 'ETIMEDOUT', message: 'inner' });
    expect(loggableError('text')).toEqual({ type: 'string' });
    const logged = loggableError(error);
    expect(loggableError(logged)).toBe(logged);
  });
});
