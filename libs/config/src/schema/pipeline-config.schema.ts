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
  })
  .strict();
export type PipelineConfig = z.output<typeof pipelineSchema>;
