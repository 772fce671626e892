/**
 * The service benchmark's load: new orders created in the TikTok Shop simulator, each announced by
 * the simulator's own signed type 1 webhook (its sender signs, delivers with its concurrency and
 * redelivers on failure, as TikTok does), so the service sees what a real shop's orders look like.
 */
import type { TiktokSimulator } from '../src/simulators/tiktok/index.ts';

export interface OrderFeed {
  /** Date.now() just before the first order (and its webhook) was created. */
  readonly startedAt: number;
  /** The orders created so far, in order. */
  readonly orderIds: readonly string[];
  /** Resolves once every order is created (their webhooks may still be in flight). */
  readonly done: Promise<void>;
  /** Stops creating orders (the feed's `done` resolves). */
  stop(): void;
}

const TICK_MS = 10;

/**
 * Creates `count` paid, seller-shipped orders (each needs stock and a carrier label) in `shopId`:
 * all at once when `ratePerSecond` is undefined (a burst), else at that steady rate.
 *
 * @example
 *   const feed = feedOrders(sandbox.tiktok, sandbox.shopId, { count: 500, ratePerSecond: 20 });
 *   await feed.done;
 */
export function feedOrders(
  sim: TiktokSimulator,
  shopId: string,
  options: { count: number; ratePerSecond?: number | undefined },
): OrderFeed {
  const orderIds: string[] = [];
  const create = (): void => {
    orderIds.push(sim.createOrder(shopId, { status: 'AWAITING_SHIPMENT', shippingType: 'SELLER' }).id);
  };
  const startedAt = Date.now();
  const rate = options.ratePerSecond;
  if (rate === undefined) {
    for (let i = 0; i < options.count; i++) create();
    return { startedAt, orderIds, done: Promise.resolve(), stop: () => undefined };
  }
  if (!(rate > 0)) throw new Error(`the feed's rate must be above 0 orders per second (got ${rate})`);
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  // Orders due by now are created on each tick, so timer lateness does not lower the rate.
  const tick = (): void => {
    const due = Math.min(options.count, Math.floor(((Date.now() - startedAt) / 1000) * rate) + 1);
    while (orderIds.length < due) create();
    if (orderIds.length >= options.count) stop();
  };
  const timer = setInterval(tick, TICK_MS);
  function stop(): void {
    clearInterval(timer);
    finish();
  }
  tick();
  return { startedAt, orderIds, done, stop };
}
