export { AppError, ERROR_CATALOGUE, describeError, isAppError, type ErrorCode } from './errors.ts';
export { ManualClock, systemClock, type Clock } from './clock.ts';
export { createLogger, type Logger } from './log.ts';
export { sleep, yieldToEventLoop } from './sleep.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { startPollLoop, type PollLoop } from './poll-loop.ts';
export { backoffDelayMs, retryDelayMs, type Backoff, type Jitter, type RetryPolicy } from './backoff.ts';
