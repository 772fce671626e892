export {
  claimJobs,
  completeJob,
  continueJob,
  enqueueJobs,
  escalateJobs,
  holdJob,
  JOBS_CHANNEL,
  laneDepths,
  moveJobToLane,
  LeaseLostError,
  releaseJob,
  removeJob,
  retryJobLater,
  sameClaim,
  wakeJobs,
  type JobClaim,
  type NewJob,
  type OrderJob,
} from './job-queries.ts';
export { fencedByLease, holdLease, type Lease } from './lease-fence.ts';
export { DEFAULT_LANE_WEIGHTS, laneRotation } from './lane-rotation.ts';
export { DEFAULT_LANE_POLICIES, retryDelayMs, type LanePolicy } from './lane-policy.ts';
export { startWorkerPool, type StepOutcome, type WorkerPool, type WorkerPoolDeps } from './worker-pool.ts';
