import { SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import { sleep } from '../shared/sleep.ts';
import { startTiktokSimulator } from '../simulators/tiktok/index.ts';
import { parseDuration, parseInteger, parseProbability, parseRate, parseUrl, UsageError } from './args.ts';
import { formatSummary, summarise } from './summary.ts';

export const SIMULATE_USAGE = `Usage: creatorflow simulate --target URL [options]

Starts the TikTok Shop simulator and sends its signed webhooks to URL at a steady rate, then prints
what was sent, acknowledged and failed, the rate achieved and the acknowledgement latency.

  --target URL          where webhooks go, e.g. http://127.0.0.1:3000/webhooks/tiktok (required)
  --rate RATE           webhooks per second: 50/s, 3000/min, 100/h (default 50/s)
  --duration TIME       how long to send: 60s, 2m, 1m30s, 500ms (default 60s)
  --spike PRODUCT|auto  a viral episode for one product (auto: a random one) in the middle third
  --duplicates P        share of webhooks delivered twice, 0..1 or 5% (default 0)
  --drop P              share of webhooks never delivered (default 0)
  --reorder P           share of webhooks held back behind the next one (default 0)
  --app-key K           app key the webhooks are signed for (default sim_app_key)
  --app-secret S        app secret that signs them (default sim_app_secret)
  --shop-id ID          TikTok shop id of the generated orders (default: a new random id)
  --port N              port of the simulator's API, so CreatorFlow can fetch order details (default: any)
  --seed N              seed of generated orders and faults (default 20260101)
  --drain TIME          after the run, wait this long at most for deliveries and retries (default 10s)
  -h, --help            this help

The target must verify signatures with the same app key and secret (TIKTOK_APP_KEY, TIKTOK_APP_SECRET),
and, to fetch order details, use TIKTOK_API_BASE_URL and TIKTOK_AUTH_BASE_URL = the printed simulator URL.
Exit code: 0 when the run finished and something was acknowledged, 1 when nothing was, 2 for bad arguments.`;

export interface SimulateConfig {
  readonly target: string;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly spike: string | undefined;
  readonly duplicates: number;
  readonly drop: number;
  readonly reorder: number;
  readonly appKey: string;
  readonly appSecret: string;
  readonly shopId: string | undefined;
  readonly port: number;
  readonly seed: number;
  readonly drainMs: number;
}

/** Parses `simulate` arguments, or returns 'help'. Throws UsageError with a clear message. */
export function parseSimulateArgs(argv: readonly string[]): SimulateConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        rate: { type: 'string', default: '50/s' },
        duration: { type: 'string', default: '60s' },
        spike: { type: 'string' },
        duplicates: { type: 'string', default: '0' },
        drop: { type: 'string', default: '0' },
        reorder: { type: 'string', default: '0' },
        'app-key': { type: 'string', default: 'sim_app_key' },
        'app-secret': { type: 'string', default: 'sim_app_secret' },
        'shop-id': { type: 'string' },
        port: { type: 'string', default: '0' },
        seed: { type: 'string', default: '20260101' },
        drain: { type: 'string', default: '10s' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.target === undefined) throw new UsageError('--target URL is required (where to send the webhooks)');
  if (v.spike !== undefined && !/^(auto|\d{1,30})$/.test(v.spike)) {
    throw new UsageError(`--spike must be a product id (digits) or "auto" (got "${v.spike}")`);
  }
  if (v['app-key'].trim() === '' || v['app-secret'].trim() === '') {
    throw new UsageError('--app-key and --app-secret must not be empty');
  }
  if (v['shop-id'] !== undefined && !/^\d{1,30}$/.test(v['shop-id'])) {
    throw new UsageError(`--shop-id must be digits, as TikTok shop ids are (got "${v['shop-id']}")`);
  }
  return {
    target: parseUrl('--target', v.target),
    ratePerSecond: parseRate('--rate', v.rate),
    durationMs: parseDuration('--duration', v.duration),
    spike: v.spike,
    duplicates: parseProbability('--duplicates', v.duplicates),
    drop: parseProbability('--drop', v.drop),
    reorder: parseProbability('--reorder', v.reorder),
    appKey: v['app-key'],
    appSecret: v['app-secret'],
    shopId: v['shop-id'],
    port: parseInteger('--port', v.port, 0, 65_535),
    seed: parseInteger('--seed', v.seed, 0, 2 ** 32 - 1),
    drainMs: parseDuration('--drain', v.drain),
  };
}

/** Runs the simulator against the target and prints progress and a summary; returns the exit code. */
export async function runSimulate(
  config: SimulateConfig,
  io: { out: (text: string) => void; progressStream: NodeJS.WriteStream },
): Promise<number> {
  const sim = await startTiktokSimulator({
    appKey: config.appKey,
    appSecret: config.appSecret,
    seed: config.seed,
    port: config.port,
    webhookTarget: config.target,
    knobs: { duplicateRate: config.duplicates, dropRate: config.drop, reorderRate: config.reorder },
  });
  const shop = sim.createShop(config.shopId === undefined ? {} : { id: config.shopId });
  const spike =
    config.spike === undefined
      ? undefined
      : { productId: config.spike, startMs: config.durationMs / 3, durationMs: config.durationMs / 3 };
  if (spike && spike.productId !== 'auto' && !shop.products.some((p) => p.id === spike.productId)) {
    await sim.stop();
    throw new UsageError(
      `--spike ${spike.productId} is not a product of the simulated shop; use "auto" or one of: ${shop.products.map((p) => p.id).join(', ')}`,
    );
  }
  io.out(
    [
      `TikTok Shop simulator at ${sim.url} (app key ${sim.appKey})`,
      `shop ${shop.shop.id} (cipher ${shop.shop.cipher}, access token ${shop.grant.access_token})`,
      `sending ${config.ratePerSecond}/s to ${config.target} for ${(config.durationMs / 1000).toFixed(1)} s`,
    ].join('\n'),
  );

  const started = Date.now();
  const run = sim.startTraffic({
    shopId: shop.shop.id,
    ratePerSecond: config.ratePerSecond,
    durationMs: config.durationMs,
    spike,
  });
  if (run.spikeProductId) io.out(`viral episode: product ${run.spikeProductId}`);
  const total = Math.max(1, Math.floor((config.ratePerSecond * config.durationMs) / 1000));
  const bar = new SingleBar({
    format: 'webhooks [{bar}] {value}/{total} | acked {acked} | failed {failed} | {eta_formatted} left',
    stream: io.progressStream,
    hideCursor: true,
  });
  bar.start(total, 0, { acked: 0, failed: 0 });
  const update = (): void =>
    bar.update(Math.min(total, run.emitted()), {
      acked: sim.counters.webhooksAcknowledged,
      failed: sim.counters.webhooksFailed,
    });
  const ticker = setInterval(update, 100);
  const interrupt = (): void => run.stop();
  process.once('SIGINT', interrupt);
  try {
    await run.done;
    // Wait for deliveries in flight and redeliveries, but not beyond the drain time.
    const drained = new AbortController();
    await Promise.race([sim.webhooksIdle(), sleep(config.drainMs, drained.signal)]);
    drained.abort();
  } finally {
    clearInterval(ticker);
    update();
    bar.stop();
    process.removeListener('SIGINT', interrupt);
  }
  const elapsedMs = Date.now() - started;
  const summary = summarise({ attempts: sim.webhookAttempts, counters: sim.counters, elapsedMs });
  await sim.stop();
  io.out(formatSummary(summary));
  return summary.acknowledged > 0 || summary.sent === 0 ? 0 : 1;
}
