import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { type AppConfig, parseConfig } from '@app/config';
import { PublisherStore } from '@app/store';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { ApiModule, configureApiApp } from '@app/api';

/** Log lines the app wrote, parsed. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    done();
  }

  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

export interface ApiHarnessOptions {
  /** YAML of the `admin` section (indented under `admin:`). */
  admin?: string;
  redisUrl?: string;
  /** `missing`: the SIS SQLite file does not exist (its health check fails). */
  sis?: 'present' | 'missing';
  controllers?: Type[];
  healthTimeoutMs?: number;
}

export interface ApiHarness {
  app: NestExpressApplication;
  config: AppConfig;
  store: PublisherStore;
  logs: LogCapture;
  /** Queue key prefix of this harness (unique). */
  prefix: string;
  close(): Promise<void>;
}

/** Starts the api in-process on a fresh SQLite store, a generated SIS file and a unique queue prefix. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'clr-api-'));
  const sisFile = join(dir, 'sis.sqlite');
  if (options.sis !== 'missing') new Database(sisFile).close();
  const prefix = `t-api-${randomBytes(4).toString('hex')}`;
  const yaml = `
institution: { id: test-u, name: Test U, url: http://127.0.0.1:3000, email: r@test-u.example, idSecret: ${'i'.repeat(40)} }
publicBaseUrl: http://127.0.0.1:3000
keys: { masterKey: ${randomBytes(32).toString('base64')} }
sis: { sources: [{ name: demo, driver: sqlite, connection: { file: ${sisFile} } }] }
store: { driver: sqlite, file: ${join(dir, 'publisher.sqlite')} }
redis: { url: ${options.redisUrl ?? 'redis://127.0.0.1:6379'}, prefix: ${prefix} }
logging: { level: info }
admin:
${options.admin ?? '  tokens: []'}
`;
  const config = parseConfig(yaml, { env: {}, source: '(harness)', root: dir });
  const logs = new LogCapture();

  @Module({})
  class HarnessModule {
    static forRoot(): DynamicModule {
      return {
        module: HarnessModule,
        imports: [
          ApiModule.forRoot({
            config,
            migrations: 'apply',
            schedules: false,
            logDestination: logs,
            healthTimeoutMs: options.healthTimeoutMs ?? 1500,
          }),
        ],
        controllers: options.controllers ?? [],
      };
    }
  }

  const app = await NestFactory.create<NestExpressApplication>(HarnessModule.forRoot(), {
    bufferLogs: true,
    abortOnError: false,
  });
  configureApiApp(app, config);
  await app.init();
  return {
    app,
    config,
    store: app.get(PublisherStore),
    logs,
    prefix,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
