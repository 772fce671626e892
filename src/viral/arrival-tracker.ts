// Per-product order arrivals: fixed-size ring of short buckets over the last hour plus an EWMA baseline.

export type TrackerOptions = {
  /** Bucket width; 10 s gives early detection enough resolution. */
  readonly bucketMs: number;
  /** How far back counts are kept (the design's "last hour"). */
  readonly windowMs: number;
  /** Half-life of the long-term baseline; long so a slow ramp is learned but a spike is not. */
  readonly baselineHalfLifeMs: number;
};

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  bucketMs: 10_000,
  windowMs: 3_600_000,
  baselineHalfLifeMs: 3 * 3_600_000,
};

/** Arrival history of one (shop, product); memory is fixed at windowMs / bucketMs counters. */
export type ArrivalTracker = {
  readonly options: TrackerOptions;
  readonly buckets: Float64Array;
  /** Index (time / bucketMs) of the newest bucket. */
  head: number;
  /** EWMA of orders per bucket over closed buckets. */
  baselinePerBucket: number;
  /** Closed buckets folded into the baseline (warm-up indicator). */
  observedBuckets: number;
  /** While true, closed buckets do not move the baseline (a detector freezes it during a spike). */
  frozen: boolean;
};

// Creates an empty tracker starting at `nowMs`.
export function createTracker(
  nowMs: number,
  options: TrackerOptions = DEFAULT_TRACKER_OPTIONS,
): ArrivalTracker {
  const size = Math.ceil(options.windowMs / options.bucketMs);
  return {
    options,
    buckets: new Float64Array(size),
    head: Math.floor(nowMs / options.bucketMs),
    baselinePerBucket: 0,
    observedBuckets: 0,
    frozen: false,
  };
}

// Moves the tracker's clock forward, closing buckets into the baseline; time never goes back.
export function advance(t: ArrivalTracker, nowMs: number): void {
  const target = Math.floor(nowMs / t.options.bucketMs);
  const size = t.buckets.length;
  const alpha = 1 - Math.pow(0.5, t.options.bucketMs / t.options.baselineHalfLifeMs);
  const steps = Math.min(target - t.head, size + 1);
  for (let i = 0; i < steps; i++) {
    const closed = t.buckets[t.head % size] ?? 0;
    if (!t.frozen) {
      t.baselinePerBucket += alpha * (closed - t.baselinePerBucket);
      t.observedBuckets++;
    }
    t.head++;
    t.buckets[t.head % size] = 0;
  }
  if (target > t.head) {
    // A long silence: the remaining empty buckets decay the baseline in closed form.
    const gap = target - t.head;
    if (!t.frozen) {
      t.baselinePerBucket *= Math.pow(1 - alpha, gap);
      t.observedBuckets += gap;
    }
    t.head = target;
  }
}

// Records `count` orders arriving at `nowMs`.
export function recordArrival(t: ArrivalTracker, nowMs: number, count = 1): void {
  advance(t, nowMs);
  const i = t.head % t.buckets.length;
  t.buckets[i] = (t.buckets[i] ?? 0) + count;
}

// Orders in the last `spanMs` (rounded to whole buckets, the current one included).
export function countInWindow(t: ArrivalTracker, spanMs: number): { count: number; maxBucket: number } {
  const n = Math.min(Math.ceil(spanMs / t.options.bucketMs), t.buckets.length);
  let count = 0;
  let maxBucket = 0;
  for (let k = 0; k < n; k++) {
    const c = t.buckets[(t.head - k) % t.buckets.length] ?? 0;
    count += c;
    maxBucket = Math.max(maxBucket, c);
  }
  return { count, maxBucket };
}

// Long-term baseline in orders per hour. The EWMA starts at zero, so while few buckets are folded
// in it is divided by the weight they carry (bias correction): a product watched for an hour at a
// steady 400 orders/h has a baseline near 400/h, not the fifth of it a raw EWMA would say.
export function baselinePerHour(t: ArrivalTracker): number {
  const alpha = 1 - Math.pow(0.5, t.options.bucketMs / t.options.baselineHalfLifeMs);
  const weight = 1 - Math.pow(1 - alpha, t.observedBuckets);
  const perBucket = weight > 0 ? t.baselinePerBucket / weight : 0;
  return (perBucket * 3_600_000) / t.options.bucketMs;
}
