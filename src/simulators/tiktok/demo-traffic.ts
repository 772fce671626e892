import type { TiktokSimulator } from './server.ts';

export interface DemoTrafficOptions {
  readonly shopId: string;
  /** Webhooks per second between spikes (default 0.2: about 600 an hour). */
  readonly ratePerSecond?: number;
  /** Real ms between the starts of viral episodes (default 15 min). */
  readonly spikeEveryMs?: number;
  /** Real ms an episode lasts (default 3 min). */
  readonly spikeDurationMs?: number;
  /** Real ms before the first episode (default 2 min). */
  readonly firstSpikeAfterMs?: number;
  /** [0, 1) for choosing the viral product; Math.random by default. */
  readonly random?: () => number;
}

/** Running demo traffic: stop() ends the traffic and the spike timers. */
export interface DemoTraffic {
  /** The product of the episode under way, if any. */
  currentSpike(): string | undefined;
  stop(): void;
}

/**
 * Endless demo traffic for sandbox mode: a steady flow of orders and their life, and now and then a
 * viral episode in which one product takes most new orders (through `knobs.viralProductId`).
 */
export function startDemoTraffic(sim: TiktokSimulator, options: DemoTrafficOptions): DemoTraffic {
  const random = options.random ?? Math.random;
  const products = sim.products(options.shopId);
  const run = sim.startTraffic({ shopId: options.shopId, ratePerSecond: options.ratePerSecond ?? 0.2 });
  const duration = options.spikeDurationMs ?? 3 * 60_000;
  let endTimer: NodeJS.Timeout | undefined;

  const beginSpike = (): void => {
    const product = products[Math.floor(random() * products.length)];
    if (!product) return;
    sim.knobs.viralProductId = product.id;
    endTimer = setTimeout(() => {
      sim.knobs.viralProductId = null;
    }, duration);
    endTimer.unref();
  };
  let every: NodeJS.Timeout | undefined;
  const first = setTimeout(
    () => {
      beginSpike();
      every = setInterval(beginSpike, options.spikeEveryMs ?? 15 * 60_000);
      every.unref();
    },
    options.firstSpikeAfterMs ?? 2 * 60_000,
  );
  first.unref();

  return {
    currentSpike: () => sim.knobs.viralProductId ?? undefined,
    stop() {
      clearTimeout(first);
      if (every) clearInterval(every);
      if (endTimer) clearTimeout(endTimer);
      sim.knobs.viralProductId = null;
      run.stop();
    },
  };
}
