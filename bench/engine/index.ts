/**
 * The batch engine: a worker pool that steps up to a batch of orders per statement, and the
 * lifecycle without outside work that the engine benchmark and the queue's tests drive. The service
 * does not run it (its steps call TikTok and the carriers); it is kept here as the measured
 * alternative to the service's single-step pool (docs/engine.md). Its commits that do not wait for
 * the disk (`openAsyncCommits`) live here with it: the service commits as the server is set.
 */
export {
  openAsyncCommits,
  type AsyncCommitDatabase,
  type AsyncCommitOption,
  type AsyncCommitQueryable,
  type AsyncCommitQueryOptions,
} from './async-commit.ts';
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
