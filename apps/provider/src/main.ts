import 'reflect-metadata';
import { startStandInProvider } from './start-stand-in-provider';

/**
 * Runs the stand-in provider on its own:
 * `node dist/apps/provider/main.js [port] [host] [publicBaseUrl]` (default 4000, 127.0.0.1).
 * Publishers get their client credentials from `/oauth/register` (RFC 7591).
 */
async function main(): Promise<void> {
  const [portArg, host, publicBaseUrl] = process.argv.slice(2);
  const port = Number.parseInt(portArg ?? '4000', 10);
  const provider = await startStandInProvider({
    port,
    host: host ?? '127.0.0.1',
    ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
    logLevels: ['log', 'warn', 'error'],
  });
  process.stdout.write(
    `Stand-in CLR provider at ${provider.baseUrl}\n  discovery ${provider.endpoints.discoveryUrl}\n`,
  );
  const stop = (): void => {
    void provider.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `stand-in provider failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
