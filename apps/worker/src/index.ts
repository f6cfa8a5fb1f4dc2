export * from './worker.module';
export * from './start-worker';
export { ALL_QUEUES, WORKER_OPTIONS, type WorkerOptions } from './pipeline/worker-options';
export { PipelineConsumer } from './pipeline/pipeline-consumer';
export * from './deliver-worker.module';
export { DeliverWorkerLifecycle, type DeliverWorkerOptions } from './deliver-worker.lifecycle';
