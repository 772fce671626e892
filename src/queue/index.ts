export {
  claimJobs,
  completeJob,
  continueJob,
  enqueueJobs,
  escalateJobs,
  holdJob,
  JOBS_CHANNEL,
  settleAndClaimJobs,
  laneDepths,
  LeaseLostError,
  releaseJob,
  removeEndedJobs,
  retryJobLater,
  type NewJob,
  type OrderJob,
} from './job-queries.ts';
export { fencedByLease, holdLease, type Lease } from './lease-fence.ts';
export { DEFAULT_LANE_WEIGHTS, laneRotation } from './lane-rotation.ts';
export { DEFAULT_LANE_POLICIES, retryDelayMs, type LanePolicy } from './lane-policy.ts';
export { startWorkerPool, type StepOutcome, type WorkerPool, type WorkerPoolDeps } from './worker-pool.ts';
export {
  startBatchWorkerPool,
  type BatchStepOutcome,
  type BatchWorkerPoolDeps,
} from './batch-worker-pool.ts';
export { transitionOrders, type BatchTransitionItem } from './batch-transition.ts';
export {
  LIFECYCLE_EVENTS,
  LIFECYCLE_STEPS,
  lifecycleStep,
  lifecycleStepBatch,
  runLifecycleStep,
  type BatchStepEffect,
  type StepEffect,
} from './lifecycle-step.ts';
