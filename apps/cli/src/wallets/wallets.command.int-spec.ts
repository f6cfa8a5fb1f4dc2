/**
 * `wallets list` / `wallets disconnect` in-process through `runCli`, against a migrated SQLite
 * store and Redis (the operator commands ping it first) named in a config file. Connections are
 * seeded through the store's wallets repository, as the wallet flow would store them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, loadConfig, masterKeyBytes, resolveFromRoot } from '@app/config';
import { ClrIdFactory } from '@app/mapping';
import { learnerRefOf, type WalletConnectionView } from '@app/publishing';
import { generateDemoSis } from '@app/sis';
import { PublisherStore, storeOptionsFromConfig, type WalletConnectionEntity } from '@app/store';
import { describeWithService } from '@app/testing';
import { CliModule } from '../cli.module';
import { type CliRun, runInProcess } from '../cli.test-kit';
import { cliActor } from '../operations/operations-context';

const DEFAULT_YAML = readFileSync(resolveFromRoot('config/default.yaml'), 'utf8');

function configYaml(sisFile: string, storeFile: string, prefix: string): string {
  const replacements: [string, string][] = [
    ['file: .data/demo-sis.sqlite', `file: ${JSON.stringify(sisFile)}`],
    ['file: .data/publisher.sqlite', `file: ${JSON.stringify(storeFile)}`],
    ['url: ${REDIS_URL:-redis://127.0.0.1:6379}', `url: redis://127.0.0.1:6379\n  prefix: ${prefix}`],
  ];
  let text = DEFAULT_YAML;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`config/default.yaml has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

describeWithService('redis', 'clr-publisher wallets (list, disconnect)', () => {
  let dir: string;
  let configFile: string;
  let config: AppConfig;
  let store: PublisherStore;
  let ids: ClrIdFactory;
  let connection: WalletConnectionEntity;
  const learnerId = 'S-WALLET-1';

  const cli = (...argv: string[]): Promise<CliRun> =>
    runInProcess(CliModule, [...argv, '--config', configFile]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clr-cli-wallets-'));
    const sisFile = join(dir, 'sis.sqlite');
    generateDemoSis({ learners: 1, out: sisFile, seed: 3, defects: false });
    configFile = join(dir, 'config.yaml');
    const prefix = `clrt-cli-wallets-${process.pid}-${randomBytes(3).toString('hex')}`;
    writeFileSync(configFile, configYaml(sisFile, join(dir, 'publisher.sqlite'), prefix));
    config = loadConfig({ path: configFile, env: {} });
    store = await PublisherStore.open(storeOptionsFromConfig(config.store), {
      masterKey: masterKeyBytes(config),
      migrations: 'apply',
    });
    ids = new ClrIdFactory(config.publicBaseUrl, config.institution.idSecret);
    connection = await store.wallets.connect({
      learnerRef: learnerRefOf(ids, learnerId),
      walletHost: 'wallet.example.org',
      baseUrl: 'https://wallet.example.org/ims/clr/v1p0',
      scopes: ['https://purl.imsglobal.org/spec/clr/v1p0/scope/replace'],
      accessToken: 'access-token-secret',
      accessExpiresAt: null,
      refreshToken: 'refresh-token-secret',
    });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('list --learner shows the connection as text, never the id or the tokens', async () => {
    const run = await cli('wallets', 'list', '--learner', learnerId);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      new RegExp(`^${connection.id}  active +wallet\\.example\\.org +connected `, 'm'),
    );
    expect(run.stdout).not.toContain(learnerId);
    expect(run.stdout).not.toContain('token-secret');
  });

  it('list --learner-ref --json prints the connections as JSON', async () => {
    const run = await cli('wallets', 'list', '--learner-ref', learnerRefOf(ids, learnerId), '--json');
    expect(run.code).toBe(0);
    const listed = json<WalletConnectionView[]>(run);
    expect(listed).toEqual([
      expect.objectContaining({
        id: connection.id,
        walletHost: 'wallet.example.org',
        status: 'active',
        hasRefreshToken: true,
        targetId: connection.targetId,
      }),
    ]);
    expect(run.stdout).not.toContain('token-secret');
  });

  it('an unknown learner is an empty list, exit 0 (as GET /admin/learners/{id}/wallets)', async () => {
    const text = await cli('wallets', 'list', '--learner', 'S-NOBODY');
    expect(text).toEqual({ code: 0, stdout: 'no wallet connections\n', stderr: '' });
    const asJson = await cli('wallets', '--json', 'list', '--learner', 'S-NOBODY');
    expect(asJson.code).toBe(0);
    expect(json(asJson)).toEqual([]);
  });

  it('exits 2 for a missing or malformed learner option, naming it', async () => {
    const neither = await cli('wallets', 'list');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give --learner or --learner-ref');
    const both = await cli('wallets', 'list', '--learner', 'a', '--learner-ref', 'b');
    expect(both.code).toBe(2);
    const badRef = await cli('wallets', 'list', '--learner-ref', 'not-a-ref');
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('--learner-ref must be 32 lowercase hex digits');
    const bare = await cli('wallets');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('give a wallets subcommand (list, disconnect)');
  });

  it('disconnect deletes the tokens, is audited as the CLI user, and a second one exits 1', async () => {
    const run = await cli('wallets', 'disconnect', connection.id, '--json');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(json(run)).toMatchObject({ id: connection.id, status: 'disconnected', hasRefreshToken: false });

    const stored = (await store.wallets.get(connection.id))!;
    expect(stored.status).toBe('disconnected');
    expect(store.wallets.tokens(stored)).toEqual({ accessToken: null, refreshToken: null });
    const [entry] = await store.audit.list({ action: 'wallet.disconnect', subject: connection.id });
    expect(entry).toMatchObject({ actor: cliActor() });
    expect(JSON.parse(entry.details!)).toMatchObject({
      walletHost: 'wallet.example.org',
      was: 'active',
      via: 'cli',
    });

    const again = await cli('wallets', 'disconnect', connection.id);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: wallet connection ${connection.id} is disconnected already\n`,
    });
    // Refused: no second audit entry.
    expect(await store.audit.list({ action: 'wallet.disconnect', subject: connection.id })).toHaveLength(1);
  });

  it('disconnect of an unknown connection exits 1 with the error as JSON', async () => {
    const run = await cli('wallets', 'disconnect', '00000000-0000-0000-0000-000000000000', '--json');
    expect(run.code).toBe(1);
    expect(json(run)).toMatchObject({ error: { code: 'wallet_not_found' } });
  });
});
