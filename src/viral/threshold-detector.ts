// The design's rule: more than 40 orders in the last hour and more than 300% over the baseline.
import { baselinePerHour, countInWindow } from './arrival-tracker.ts';
import { createDetector, type SpikeDetector } from './detector.ts';

export const THRESHOLD_ORDERS_PER_HOUR = 40;
export const THRESHOLD_INCREASE_PERCENT = 300;

// Percent increase of the last hour over the baseline (Infinity when there is no baseline yet).
export function velocityIncrease(lastHour: number, baselineHourly: number): number {
  if (baselineHourly <= 0) return lastHour > 0 ? Infinity : 0;
  return (lastHour / baselineHourly - 1) * 100;
}

// True when the design's viral rule holds.
export function thresholdRuleHolds(lastHour: number, baselineHourly: number): boolean {
  return (
    lastHour > THRESHOLD_ORDERS_PER_HOUR &&
    velocityIncrease(lastHour, baselineHourly) > THRESHOLD_INCREASE_PERCENT
  );
}

// Creates a detector applying the design's threshold rule with hysteresis.
export function createThresholdDetector(startMs: number, quietMs = 15 * 60_000): SpikeDetector {
  return createDetector({
    name: 'threshold',
    startMs,
    quietMs,
    read: (tracker) => {
      const { count: lastHour } = countInWindow(tracker, 3_600_000);
      const firing = thresholdRuleHolds(lastHour, baselinePerHour(tracker));
      return { firing, calm: !firing, rate: lastHour };
    },
  });
}
