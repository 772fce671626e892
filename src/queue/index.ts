export {
  claimJobs,
  completeJob,
  continueJob,
  enqueueJobs,
  escalateJobs,
  JOBS_CHANNEL,
  laneDepths,
  retryJobLater,
  type NewJob,
  type OrderJob,
} from './job-queries.ts';
export { DEFAULT_LANE_WEIGHTS, laneRotation } from './lane-rotation.ts';
