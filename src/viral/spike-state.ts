// In-process arrival state per (shop, product): both detectors, de-duplication, the open episode.
import type { Registry } from 'prom-client';
import type { SpikeDetector } from './detector.ts';
import { createEarlyDetector } from './early-detector.ts';
import type { EpisodeEvent } from './episodes.ts';
import { baselinePerHour, countInWindow } from './arrival-tracker.ts';
import { createSpikeMetrics, type SpikeMetrics } from './spike-metrics.ts';
import { createThresholdDetector } from './threshold-detector.ts';

/** One product being watched by this process. */
export interface ProductWatch {
  readonly shopId: string;
  readonly productId: string;
  readonly early: SpikeDetector;
  readonly threshold: SpikeDetector;
  /** Orders already counted, by id, with their arrival time (pruned after the overlap window). */
  readonly seen: Map<string, number>;
  /** Newest arrival counted (ms). */
  newestMs: number;
  /** The stored episode while one is open. */
  episodeId: number | null;
  /** Highest rate written to the stored episode. */
  peakWritten: number;
  /** Last arrival or episode change, for eviction. */
  lastActivityMs: number;
}

export interface SpikeOptions {
  /** History replayed when a process starts watching a product (the baseline is learned from it). */
  readonly historyMs: number;
  /** Re-read this far behind the newest counted arrival, for orders committed out of order. */
  readonly overlapMs: number;
  /** A product without arrivals or an open episode for this long is forgotten (and rebuilt if it returns). */
  readonly idleMs: number;
  /**
   * How long CreatorFlow must have seen a shop's orders before a spike is called: until then there
   * is no normal to compare with (a newly connected shop would look viral on every product).
   */
  readonly warmupMs: number;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = {
  historyMs: 24 * 3_600_000,
  overlapMs: 60_000,
  idleMs: 6 * 3_600_000,
  warmupMs: 30 * 60_000,
};

/** Everything a process keeps in memory about arrivals; the database stays the source of truth. */
export interface SpikeState {
  readonly options: SpikeOptions;
  /** Present when the state was created with a Prometheus registry. */
  readonly metrics: SpikeMetrics | undefined;
  readonly watches: Map<string, Promise<ProductWatch>>;
  /** Calls for one shop run one after another, so arrivals are counted in order and once. */
  readonly shopQueues: Map<string, Promise<unknown>>;
  /** When each shop's first stored order arrived (epoch ms), once read. */
  readonly shopStarts: Map<string, number>;
}

// Creates the per-process spike state (one per process, in the composition root); pass the
// process's registry to export creatorflow_viral_spike_* metrics.
export function createSpikeState(options: Partial<SpikeOptions> = {}, registry?: Registry): SpikeState {
  return {
    options: { ...DEFAULT_SPIKE_OPTIONS, ...options },
    metrics: registry ? createSpikeMetrics(registry) : undefined,
    watches: new Map(),
    shopQueues: new Map(),
    shopStarts: new Map(),
  };
}

export const watchKey = (shopId: string, productId: string): string => `${shopId}\u0000${productId}`;

// A fresh watch whose detectors start at `startMs`.
export function createWatch(shopId: string, productId: string, startMs: number): ProductWatch {
  return {
    shopId,
    productId,
    early: createEarlyDetector(startMs),
    threshold: createThresholdDetector(startMs),
    seen: new Map(),
    newestMs: startMs,
    episodeId: null,
    peakWritten: 0,
    lastActivityMs: startMs,
  };
}

export type WatchEvent = {
  readonly kind: 'start' | 'end';
  readonly atMs: number;
  readonly by: 'early' | 'threshold';
};

/** True while either detector is inside an episode. */
export function isOpen(w: ProductWatch): boolean {
  return w.early.episodes.current !== null || w.threshold.episodes.current !== null;
}

/**
 * Feeds arrivals (ascending; new order ids only) and a final clock tick to both detectors. Returns
 * the combined episode's changes: it starts when either detector starts, ends when both have ended.
 */
export function feed(
  w: ProductWatch,
  arrivals: readonly { orderId: string; atMs: number }[],
  nowMs: number,
): WatchEvent[] {
  const out: WatchEvent[] = [];
  const step = (atMs: number, count: number): void => {
    const wasOpen = isOpen(w);
    const events: [EpisodeEvent | null, 'early' | 'threshold'][] = [
      [w.early.update(atMs, count), 'early'],
      [w.threshold.update(atMs, count), 'threshold'],
    ];
    const started = events.find(([e]) => e?.kind === 'start');
    if (!wasOpen && started) out.push({ kind: 'start', atMs, by: started[1] });
    if (wasOpen && !isOpen(w)) out.push({ kind: 'end', atMs, by: events.find(([e]) => e)?.[1] ?? 'early' });
  };
  let i = 0;
  while (i < arrivals.length) {
    const at = arrivals[i]?.atMs ?? 0;
    let n = 0;
    while (i < arrivals.length && arrivals[i]?.atMs === at) {
      const a = arrivals[i];
      if (a) w.seen.set(a.orderId, a.atMs);
      n++;
      i++;
    }
    step(at, n);
    w.newestMs = Math.max(w.newestMs, at);
    w.lastActivityMs = Math.max(w.lastActivityMs, at);
  }
  step(Math.max(nowMs, w.newestMs), 0);
  return out;
}

/** Forgets counted order ids older than the overlap window. */
export function pruneSeen(w: ProductWatch, overlapMs: number): void {
  const cutoff = w.newestMs - 2 * overlapMs;
  for (const [id, at] of w.seen) if (at < cutoff) w.seen.delete(id);
}

/** The current rates: last hour's orders, the learned baseline and the highest rate of the open episode. */
export function ratesOf(w: ProductWatch): { lastHour: number; baselinePerHour: number; peakPerHour: number } {
  return {
    lastHour: countInWindow(w.threshold.tracker, 3_600_000).count,
    baselinePerHour: baselinePerHour(w.early.tracker),
    peakPerHour: Math.max(
      w.early.episodes.current?.peakPerHour ?? 0,
      w.threshold.episodes.current?.peakPerHour ?? 0,
    ),
  };
}

/** Makes the detectors agree with a stored open episode (opened by another process, or before a restart). */
export function adoptOpenEpisode(w: ProductWatch, startMs: number, peakPerHour: number): void {
  if (isOpen(w)) return;
  w.early.episodes.current = { startMs, peakPerHour, endMs: null };
  w.early.episodes.quietSinceMs = null;
  w.early.tracker.frozen = true;
}

/** Drops an episode the detectors still hold although it is over (closed by another process). */
export function forgetEpisode(w: ProductWatch): void {
  for (const d of [w.early, w.threshold]) {
    d.episodes.current = null;
    d.episodes.quietSinceMs = null;
    d.tracker.frozen = false;
  }
}
