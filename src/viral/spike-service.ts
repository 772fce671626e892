// The viral spike service: counts stored arrivals, detects spikes and acts on them at once.
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import {
  arrivalsSince,
  closeEpisode,
  findOpenEpisode,
  lastEpisodeEnd,
  listOpenEpisodes,
  raisePeak,
} from './spike-queries.ts';
import {
  adoptOpenEpisode,
  createWatch,
  feed,
  forgetEpisode,
  isOpen,
  pruneSeen,
  ratesOf,
  watchKey,
  type ProductWatch,
  type SpikeState,
  type WatchEvent,
} from './spike-state.ts';

/** A spike that has just started, as the service hands it to its response. */
export interface SpikeStart {
  readonly shopId: string;
  readonly productId: string;
  readonly detectedBy: 'early' | 'threshold';
  readonly startedAt: Date;
  readonly rates: { lastHour: number; baselinePerHour: number; peakPerHour: number };
}

/** What the response to a spike did. */
export interface SpikeActions {
  readonly episodeId: number;
  /** False when another process had already opened this episode (and acted on it). */
  readonly opened: boolean;
  readonly escalatedJobs: number;
  readonly purchaseOrders: readonly { id: number; sellerSku: string; quantity: number; urgent: boolean }[];
  readonly alerts: number;
}

export interface SpikeDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly spikes: SpikeState;
  /**
   * Opens the spike's episode and, if this call opened it, acts on it: the composition root passes
   * workflows' actOnSpike (escalation, re-order, alert in one transaction).
   */
  readonly actOnSpike: (spike: SpikeStart) => Promise<SpikeActions>;
}

/** An order stored for a product (one per product of the order). */
export type ProductArrival = { readonly shopId: string; readonly productId: string; readonly at: Date };

/** What a call changed: an episode started (with its actions) or ended. */
export type SpikeChange =
  | ({
      readonly kind: 'started';
      readonly shopId: string;
      readonly productId: string;
      readonly episodeId: number;
    } & SpikeActions & {
        /** Time from the call to the episode, escalation, re-order and alert being committed. */
        readonly handledInMs: number;
      })
  | {
      readonly kind: 'ended';
      readonly shopId: string;
      readonly productId: string;
      readonly episodeId: number;
    };

// Rebuilds a product's detectors from the stored orders of the last day, then agrees with the stored episode.
async function rebuild(
  deps: SpikeDeps,
  shopId: string,
  productId: string,
  nowMs: number,
): Promise<ProductWatch> {
  const { historyMs } = deps.spikes.options;
  // Counting starts when the shop's orders do: empty time before a shop was connected is not a
  // quiet baseline, it is no baseline.
  const w = createWatch(shopId, productId, Math.max(nowMs - historyMs, await shopStart(deps, shopId, nowMs)));
  const history = await arrivalsSince(deps.db, {
    shopId,
    productIds: [productId],
    since: new Date(nowMs - historyMs),
  });
  feed(
    w,
    history.map((a) => ({ orderId: a.order_id, atMs: a.received_at.getTime() })),
    nowMs,
  );
  const open = await findOpenEpisode(deps.db, shopId, productId);
  if (open) {
    w.episodeId = open.id;
    w.peakWritten = open.peak_per_hour;
    adoptOpenEpisode(w, open.started_at.getTime(), open.peak_per_hour);
  } else if (isOpen(w)) {
    // The replay is inside a spike nobody recorded, or one already closed: only the first is news.
    const ended = await lastEpisodeEnd(deps.db, shopId, productId);
    const startMs = w.early.episodes.current?.startMs ?? w.threshold.episodes.current?.startMs ?? nowMs;
    if (ended !== null && ended.getTime() >= startMs) forgetEpisode(w);
  }
  return w;
}

// When the shop's first stored order arrived; cached once known (it only moves on an import of older orders).
async function shopStart(deps: SpikeDeps, shopId: string, nowMs: number): Promise<number> {
  const known = deps.spikes.shopStarts.get(shopId);
  if (known !== undefined) return known;
  const { rows } = await deps.db.query<{ first: Date | null }>(
    `SELECT min(received_at) AS first FROM orders WHERE shop_id = $1`,
    [shopId],
  );
  const first = rows[0]?.first?.getTime() ?? nowMs;
  deps.spikes.shopStarts.set(shopId, first);
  return first;
}

// The product's watch, rebuilt once per process (concurrent callers share the rebuild).
function watchOf(deps: SpikeDeps, shopId: string, productId: string, nowMs: number): Promise<ProductWatch> {
  const key = watchKey(shopId, productId);
  let w = deps.spikes.watches.get(key);
  if (!w) {
    w = rebuild(deps, shopId, productId, nowMs);
    deps.spikes.watches.set(key, w);
    w.catch(() => deps.spikes.watches.delete(key));
  }
  return w;
}

// Runs `fn` after every earlier call for the same shop has finished.
function serialised<T>(state: SpikeState, shopId: string, fn: () => Promise<T>): Promise<T> {
  const previous = state.shopQueues.get(shopId) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const tail = next.catch(() => undefined);
  state.shopQueues.set(shopId, tail);
  void tail.then(() => {
    if (state.shopQueues.get(shopId) === tail) state.shopQueues.delete(shopId);
  });
  return next;
}

// Applies one product's detector events to the database.
async function applyEvents(
  deps: SpikeDeps,
  w: ProductWatch,
  events: readonly WatchEvent[],
  startedAt: number,
  out: SpikeChange[],
): Promise<void> {
  const pending = [...events];
  // Open without a stored episode: found open by a rebuild, or a previous attempt to act failed.
  if (w.episodeId === null && isOpen(w) && !events.some((e) => e.kind === 'start')) {
    const open = w.early.episodes.current ?? w.threshold.episodes.current;
    const by = w.early.episodes.current ? 'early' : 'threshold';
    pending.unshift({ kind: 'start', atMs: open?.startMs ?? deps.clock.now(), by });
  }
  for (const e of pending) {
    if (e.kind === 'start' && w.episodeId === null) {
      const rates = ratesOf(w);
      const actions = await deps.actOnSpike({
        shopId: w.shopId,
        productId: w.productId,
        detectedBy: e.by,
        startedAt: new Date(e.atMs),
        rates,
      });
      w.episodeId = actions.episodeId;
      w.peakWritten = rates.peakPerHour;
      if (actions.opened) {
        const handledInMs = performance.now() - startedAt;
        deps.spikes.metrics?.episodes.inc({ event: 'started' });
        deps.spikes.metrics?.handling.observe(handledInMs / 1000);
        out.push({ kind: 'started', shopId: w.shopId, productId: w.productId, ...actions, handledInMs });
      }
    } else if (e.kind === 'end' && w.episodeId !== null) {
      const id = w.episodeId;
      w.episodeId = null;
      if (await closeEpisode(deps.db, { id, endedAt: new Date(e.atMs), peakPerHour: w.peakWritten })) {
        deps.spikes.metrics?.episodes.inc({ event: 'ended' });
        out.push({ kind: 'ended', shopId: w.shopId, productId: w.productId, episodeId: id });
      }
    }
  }
  const { peakPerHour } = ratesOf(w);
  if (w.episodeId !== null && peakPerHour > w.peakWritten) {
    w.peakWritten = peakPerHour;
    await raisePeak(deps.db, { id: w.episodeId, peakPerHour });
  }
}

/**
 * Counts newly stored orders of the given products and acts on a new spike within the same call:
 * the episode is stored, every queued order of the product moves to the viral lane, a purchase
 * order goes out as the rules say, and the fulfillment team gets one alert. Call it right after
 * the orders are committed (or pass their transaction as `db`). Arrivals are read from the
 * database, so orders stored by other processes count too.
 * @example await recordArrivals(deps, [{ shopId: 's1', productId: 'p1', at: new Date() }])
 */
export async function recordArrivals(
  deps: SpikeDeps,
  arrivals: readonly ProductArrival[],
): Promise<SpikeChange[]> {
  const startedAt = performance.now();
  const byShop = new Map<string, Set<string>>();
  for (const a of arrivals) {
    const set = byShop.get(a.shopId) ?? new Set<string>();
    set.add(a.productId);
    byShop.set(a.shopId, set);
  }
  const out: SpikeChange[] = [];
  for (const [shopId, products] of byShop) {
    await serialised(deps.spikes, shopId, async () => {
      const nowMs = deps.clock.now();
      const watches = await Promise.all([...products].map((p) => watchOf(deps, shopId, p, nowMs)));
      const since = Math.min(...watches.map((w) => w.newestMs)) - deps.spikes.options.overlapMs;
      const fresh = await arrivalsSince(deps.db, {
        shopId,
        productIds: [...products],
        since: new Date(since),
      });
      for (const w of watches) {
        // The query reaches back for the least recent product; each counts only its own window.
        const from = w.newestMs - deps.spikes.options.overlapMs;
        const mine = fresh
          .filter(
            (a) => a.product_id === w.productId && a.received_at.getTime() > from && !w.seen.has(a.order_id),
          )
          .map((a) => ({ orderId: a.order_id, atMs: a.received_at.getTime() }));
        let events = feed(w, mine, nowMs);
        pruneSeen(w, deps.spikes.options.overlapMs);
        if (
          nowMs - (await shopStart(deps, shopId, nowMs)) < deps.spikes.options.warmupMs &&
          w.episodeId === null
        ) {
          // Still learning the shop's normal: nothing is a spike yet, and nothing stays frozen.
          if (isOpen(w)) forgetEpisode(w);
          events = events.filter((e) => e.kind !== 'start');
        }
        await applyEvents(deps, w, events, startedAt, out);
      }
    });
  }
  for (const c of out)
    if (c.kind === 'started')
      deps.log.info(
        { spike: c.episodeId, shop: c.shopId, product: c.productId, ms: c.handledInMs },
        'viral spike detected',
      );
  return out;
}

/**
 * Moves every watched product's clock to now, closing episodes that have calmed down, watches the
 * episodes other processes opened, and forgets idle products. Run it every few seconds.
 */
export async function tickSpikes(deps: SpikeDeps): Promise<SpikeChange[]> {
  const nowMs = deps.clock.now();
  const out: SpikeChange[] = [];
  const keys = new Map<string, { shopId: string; productId: string }>();
  for (const e of await listOpenEpisodes(deps.db))
    keys.set(watchKey(e.shop_id, e.product_id), { shopId: e.shop_id, productId: e.product_id });
  for (const [key, pending] of deps.spikes.watches) {
    const w = await pending.catch(() => undefined);
    if (w) keys.set(key, { shopId: w.shopId, productId: w.productId });
  }
  for (const [key, k] of keys) {
    await serialised(deps.spikes, k.shopId, async () => {
      const w = await watchOf(deps, k.shopId, k.productId, nowMs);
      const events = feed(w, [], nowMs);
      await applyEvents(deps, w, events, performance.now(), out);
      if (!isOpen(w) && w.episodeId === null && nowMs - w.lastActivityMs > deps.spikes.options.idleMs)
        deps.spikes.watches.delete(key);
    });
  }
  return out;
}
