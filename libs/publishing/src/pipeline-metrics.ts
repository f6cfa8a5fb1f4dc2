import { type ClrMetrics } from '@app/observability';

/**
 * What the pipeline's handlers record into: the app's {@link ClrMetrics} (the worker publishes
 * its snapshots, the api serves them). Optional everywhere: the CLI's one-off commands count
 * nothing.
 */
export type PipelineMetrics = Pick<
  ClrMetrics,
  'recordRun' | 'recordLearnerBuilt' | 'recordClrsSigned' | 'startStage'
>;

/** Starts timing `stage`; the returned stop records it once, however often it is called. */
export function stageTimer(
  metrics: Pick<PipelineMetrics, 'startStage'> | undefined,
  stage: Parameters<PipelineMetrics['startStage']>[0],
): () => void {
  let end: (() => number) | undefined = metrics?.startStage(stage);
  return () => {
    end?.();
    end = undefined;
  };
}
