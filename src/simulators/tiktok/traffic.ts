import type { TiktokSimulatorKnobs } from './knobs.ts';
import type { SimOrderBook } from './order-book.ts';
import type { SimRandom } from './random.ts';
import type { SimAccounts, TiktokSimCounters } from './sim-state.ts';

/** A viral episode: one product's share of new orders ramps up, holds, then ends. */
export interface SpikeOptions {
  /** A product id of the shop, or 'auto' for a random one. */
  readonly productId: string;
  /** From the start of the run. */
  readonly startMs: number;
  readonly durationMs: number;
}

export interface TrafficOptions {
  readonly shopId: string;
  /** Webhooks per second (new orders plus lifecycle events). */
  readonly ratePerSecond: number;
  /** Stops by itself after this long; undefined: runs until stopped. */
  readonly durationMs?: number | undefined;
  readonly spike?: SpikeOptions | undefined;
}

/** A running traffic generator. */
export interface TrafficRun {
  /** Resolves when the duration is over or stop() was called. */
  readonly done: Promise<void>;
  /** The product of the viral episode, once known. */
  readonly spikeProductId: string | undefined;
  /** Webhooks queued by this run so far. */
  emitted(): number;
  stop(): void;
}

const TICK_MS = 20;
const RECENT = 500;
const MAX_PENDING = 1000;

/**
 * Generates a shop's order life at a steady rate of webhooks: mostly new orders, plus payments of
 * UNPAID/ON_HOLD orders, buyer cancellations, address updates, package splits, shipments moving
 * on and return requests, in the knobs' proportions.
 */
export function startTraffic(
  deps: {
    accounts: SimAccounts;
    book: SimOrderBook;
    knobs: TiktokSimulatorKnobs;
    counters: TiktokSimCounters;
    random: SimRandom;
  },
  options: TrafficOptions,
): TrafficRun {
  const { book, knobs, counters, random } = deps;
  const shop = deps.accounts.shop(options.shopId);
  if (!(options.ratePerSecond > 0)) throw new Error('traffic rate must be above 0 webhooks per second');
  const spikeProductId =
    options.spike === undefined
      ? undefined
      : options.spike.productId === 'auto'
        ? random.pick(shop.products).id
        : options.spike.productId;
  if (spikeProductId !== undefined && !shop.products.some((p) => p.id === spikeProductId)) {
    throw new Error(`product ${spikeProductId} is not sold by shop ${shop.id}`);
  }
  const pending: string[] = [];
  const recent: string[] = [];
  const startedAt = Date.now();
  let emitted = 0;
  let stopped = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  function remember(id: string): void {
    recent.push(id);
    if (recent.length > RECENT) recent.shift();
  }

  function recentIn(statuses: readonly string[]): string | undefined {
    for (let tries = 0; tries < 8 && recent.length > 0; tries++) {
      const id = random.pick(recent);
      const status = book.get(id)?.order.status;
      if (status !== undefined && statuses.includes(status)) return id;
    }
    return undefined;
  }

  function viralShare(elapsed: number): number {
    const spike = options.spike;
    if (!spike || elapsed < spike.startMs || elapsed >= spike.startMs + spike.durationMs) return 0;
    const ramp = Math.max(1, spike.durationMs / 4);
    return knobs.viralShare * Math.min(1, (elapsed - spike.startMs) / ramp);
  }

  function step(elapsed: number): void {
    let r = random.float();
    const lifecycle = (share: number): boolean => {
      r -= share;
      return r < 0;
    };
    if (lifecycle(knobs.pendingOrderShare) && pending.length > 0) {
      const id = pending.shift()!;
      if (book.get(id)?.order.status === 'UNPAID' || book.get(id)?.order.status === 'ON_HOLD') {
        book.setStatus(id, 'AWAITING_SHIPMENT');
        return;
      }
    }
    if (lifecycle(knobs.buyerCancelShare)) {
      const id = recentIn(['UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT']);
      if (id && book.buyerCancel(id)) return;
    }
    if (lifecycle(knobs.addressUpdateShare)) {
      const id = recentIn(['UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT']);
      if (id) return book.updateAddress(id);
    }
    if (lifecycle(knobs.packageSplitShare)) {
      const id = recentIn(['AWAITING_SHIPMENT']);
      if (id && (book.get(id)?.order.line_items.length ?? 0) > 1) {
        book.splitPackage(id);
        return;
      }
    }
    if (lifecycle(knobs.returnShare)) {
      const id = recentIn(['AWAITING_COLLECTION', 'IN_TRANSIT', 'DELIVERED']);
      if (id) {
        const status = book.get(id)!.order.status;
        if (status === 'DELIVERED') book.requestReturn(id);
        else book.setStatus(id, status === 'AWAITING_COLLECTION' ? 'IN_TRANSIT' : 'DELIVERED');
        return;
      }
    }
    const share = viralShare(elapsed);
    const status = random.chance(knobs.unpaidShare)
      ? 'UNPAID'
      : random.chance(knobs.onHoldShare)
        ? 'ON_HOLD'
        : 'AWAITING_SHIPMENT';
    const productId =
      spikeProductId !== undefined && share > 0 && random.chance(share)
        ? spikeProductId
        : knobs.viralProductId !== null && random.chance(knobs.viralShare)
          ? knobs.viralProductId
          : undefined;
    const order = book.createOrder(shop.id, { status, productId });
    remember(order.id);
    if (status !== 'AWAITING_SHIPMENT') pending.push(order.id);
    // Unpaid orders nobody pays stay UNPAID (TikTok would auto-cancel them); forget the oldest.
    if (pending.length > MAX_PENDING) pending.shift();
  }

  const timer = setInterval(() => {
    if (stopped) return;
    const elapsed = Date.now() - startedAt;
    const limit = options.durationMs === undefined ? elapsed : Math.min(elapsed, options.durationMs);
    const target = Math.floor((options.ratePerSecond * limit) / 1000);
    // Counted in webhooks: one step may queue two (a cancellation is types 11 and 1), or none (dropped ones still count).
    while (emitted < target) {
      const before = counters.webhooksQueued;
      step(elapsed);
      emitted += Math.max(1, counters.webhooksQueued - before);
    }
    if (options.durationMs !== undefined && elapsed >= options.durationMs) stop();
  }, TICK_MS);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    finish();
  }

  return {
    done,
    spikeProductId,
    emitted: () => emitted,
    stop,
  };
}
