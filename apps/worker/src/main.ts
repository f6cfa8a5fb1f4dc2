import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { applyHeapGrowth } from './heap-growth';
import { startWorker } from './start-worker';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  applyHeapGrowth(config.pipeline.heapGrowthPercent);
  const worker = await startWorker({ config });
  worker.app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`clr-publisher worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
