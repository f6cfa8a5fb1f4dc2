import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { boundedFetch } from './bounded-fetch';

/** Answers `/status/<code>` with that status and a 100 KB body. */
let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const status = Number(request.url?.split('/').pop());
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(`"${'x'.repeat(100_000)}"`);
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => server.close(done)));

describe('boundedFetch', () => {
  const onlyErrors = {
    timeoutMs: 5000,
    maxResponseBytes: 1024,
    discardBody: (status: number) => status < 400,
  };

  it('skips the body of the statuses the caller discards, and reads the others up to the bound', async () => {
    const created = await boundedFetch(new URL(`${base}/status/201`), { method: 'POST' }, onlyErrors);
    expect(created).toMatchObject({ status: 201, truncated: false });
    expect(created.body.length).toBe(0);

    const refused = await boundedFetch(new URL(`${base}/status/400`), { method: 'POST' }, onlyErrors);
    expect(refused).toMatchObject({ status: 400, truncated: true });
    expect(refused.body.length).toBe(1024);
  });

  it('reads a discarded body to its end, so the next request reuses the connection', async () => {
    const before = connections;
    for (let i = 0; i < 3; i += 1) {
      const created = await boundedFetch(new URL(`${base}/status/201`), { method: 'POST' }, onlyErrors);
      expect(created.status).toBe(201);
    }
    expect(connections - before).toBe(1);
  });

  it('reads every body up to the bound when nothing is discarded', async () => {
    const created = await boundedFetch(
      new URL(`${base}/status/201`),
      { method: 'POST' },
      {
        timeoutMs: 5000,
        maxResponseBytes: 200_000,
      },
    );
    expect(created).toMatchObject({ status: 201, truncated: false });
    expect(created.body.length).toBe(100_002);
  });
});
