import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag for `pipeline.heapGrowthPercent`, or undefined for 0 (V8's own adaptive factor).
 */
export function heapGrowthFlag(percent: number): string | undefined {
  if (!Number.isInteger(percent) || percent < 0) {
    throw new RangeError(`heap growth must be a whole percent, not ${String(percent)}`);
  }
  return percent === 0 ? undefined : `--heap-growing-percent=${percent}`;
}

/**
 * Sets how far this process's heaps (the main thread's and the signing threads') may grow past
 * what survived the last full collection before the next one. V8 reads the flag each time it
 * sets the next collection's limit, so it takes effect from the next collection on; the worker's
 * entry point calls it once, before any work. Only for a process of its own: it changes the GC
 * of everything in the process.
 */
export function applyHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent);
  if (flag !== undefined) setFlagsFromString(flag);
}
