/**
 * The batch engine: a worker pool that steps up to a batch of orders per statement, and the
 * lifecycle without outside work that the engine benchmark and the queue's tests drive. The service
 * does not run it (its steps call TikTok and the carriers); it is kept here as the measured
 * alternative to the service's single-step pool (docs/engine.md).
 */
export { removeEndedJobs, settleAndClaimJobs, type BatchJob } from './batch-job-queries.ts';
export { orderKey, readOrderStates, transitionOrders, type BatchTransitionItem } from './batch-transition.ts';
export {
  startBatchWorkerPool,
  type BatchStepOutcome,
  type BatchWorkerPoolDeps,
} from './batch-worker-pool.ts';
export {
  LIFECYCLE_EVENTS,
  LIFECYCLE_STEPS,
  lifecycleStep,
  lifecycleStepBatch,
  runLifecycleStep,
  type BatchStepEffect,
  type StepEffect,
} from './lifecycle-step.ts';
