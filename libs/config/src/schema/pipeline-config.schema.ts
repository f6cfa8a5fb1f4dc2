import { z } from 'zod';
import { integer } from './config-primitives';

/**
 * How the publishing pipeline splits and parallelises its work (worker processes read it;
 * add worker processes to scale out further).
 */
export const pipelineSchema = z
  .object({
    /** Learners per build batch: one batched SIS read, one BuildBatch job. */
    batchSize: integer(1, 5_000).default(100),
    /** ExtractRun jobs per worker process at once. */
    extractConcurrency: integer(1, 64).default(1),
    /** BuildBatch jobs per worker process at once. */
    buildConcurrency: integer(1, 64).default(2),
    /** Learners of one batch published at once (signing overlaps storing). */
    learnerConcurrency: integer(1, 64).default(4),
    /**
     * Threads that make the RS256 signatures of a worker process; 0 (the default): one per core
     * (the thread that composes and stores CLRs shares them). Lower it when several worker
     * processes share a host's cores.
     */
    signingThreads: integer(0, 64).default(0),
    /**
     * How far a worker process's JavaScript heap may grow past what survived its last full
     * garbage collection before the next one, percent (V8's `--heap-growing-percent`). 75 (the
     * default) against 100: 16 MB less peak RSS (385 against 401 MB) for 1% more worker CPU, the
     * same throughput (bench, 20,000 learners, same VM and hour); 0 leaves V8's own adaptive
     * factor, which lets it grow up to fourfold: about 3% less worker CPU than 100 for about
     * 115 MB more peak RSS (bench, 2,000 learners). A build allocates large short-lived strings (each CLR's JSON and JWS,
     * hundreds of KB) that only a full collection frees, so the factor sets the peak. At most
     * 300 (fourfold, V8's own ceiling).
     */
    heapGrowthPercent: integer(0, 300)
      .refine((percent) => percent === 0 || percent >= 10, {
        message:
          "must be 0 (V8's own) or from 10 to 300: a heap allowed to grow less than 10% collects without end",
      })
      .default(75),
  })
  .strict();
export type PipelineConfig = z.output<typeof pipelineSchema>;
