/**
 * Spike detection latency: from an order being stored to recordArrivals returning with the spike
 * handled (episode stored, queued orders escalated, purchase order and alert recorded). A shop with
 * 49 steady products (a day of history, 5 orders/h each) and one selling 30/h with 500 of its
 * orders still queued when it goes viral; then an order of it every 5 s (clock time), each stored and counted at once.
 * Run alone with `npx tsx bench/spike-latency.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Database } from '../src/db/index.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/log.ts';
import { createSpikeState, recordArrivals, type SpikeDeps } from '../src/viral/index.ts';
import { actOnSpike } from '../src/workflows/index.ts';
import { benchPglite, benchPostgres, type BenchDatabase } from './databases.ts';
import { printTable } from './storage.ts';

const T = Date.UTC(2026, 10, 25, 12);
const QUEUED = 500;
const SPIKE_ORDERS = 120;

export async function seed(db: Database): Promise<void> {
  await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('bench', 'c')`);
  // 49 products selling 5 an hour and p0 selling 30 an hour over the day before T; the newest
  // 500 orders of p0 are still queued.
  await db.query(
    `INSERT INTO orders (shop_id, order_id, state, received_at, sla_deadline)
     SELECT 'bench', 'h-' || p || '-' || i, 'shipped', $1::timestamptz - interval '24 hours' + i * interval '12 minutes',
            $1::timestamptz FROM generate_series(1, 49) p, generate_series(0, 119) i
     UNION ALL
     SELECT 'bench', 'q-' || i, 'received', $1::timestamptz - i * interval '2 minutes', $1::timestamptz
       FROM generate_series(1, 720) i`,
    [new Date(T)],
  );
  await db.query(
    `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, quantity, received_at)
     SELECT o.shop_id, o.order_id, 'SKU-' || p, 'SKU-' || p, 'p' || p, 1, o.received_at
       FROM orders o, LATERAL (SELECT CASE WHEN o.order_id LIKE 'q-%' THEN 0 ELSE split_part(o.order_id, '-', 2)::int END AS p) AS x
      WHERE o.shop_id = 'bench'`,
  );
  await db.query(
    `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
     SELECT 'bench', 'q-' || i, 'standard', $1::timestamptz + interval '3 minutes', 'infinity'
       FROM generate_series(1, ${QUEUED}) i`,
    [new Date(T)],
  );
}

async function run(bench: BenchDatabase): Promise<string[]> {
  const { db } = bench;
  await seed(db);
  // As PostgreSQL's autovacuum would after a load this size (PGlite has none: see docs/rules.md).
  await db.query('ANALYZE');
  const clock = new ManualClock(T);
  const deps: SpikeDeps = {
    db,
    clock,
    log: createLogger('silent'),
    spikes: createSpikeState(),
    actOnSpike: (spike) =>
      actOnSpike(
        {
          db,
          clock,
          notifyRoutes: {
            team_lead: [],
            devops: [],
            fulfillment_team: [{ channel: 'email', target: 'floor@bench.test' }],
          },
        },
        spike,
      ),
  };
  // Warm the watch (the first call per product per process rebuilds a day of history).
  const warm = performance.now();
  await recordArrivals(deps, [{ shopId: 'bench', productId: 'p0', at: new Date(T) }]);
  const rebuildMs = performance.now() - warm;

  const calls: number[] = [];
  let revealing: { index: number; ms: number; escalated: number } | undefined;
  for (let i = 0; i < SPIKE_ORDERS; i++) {
    clock.set(T + 1_000 + i * 5_000);
    const at = new Date(clock.now());
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO orders (shop_id, order_id, received_at, sla_deadline) VALUES ('bench', $1, $2, $2::timestamptz + interval '3 minutes')`,
        [`s-${i}`, at],
      );
      await tx.query(
        `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, quantity, received_at)
         VALUES ('bench', $1, 'SKU-0', 'SKU-0', 'p0', 1, $2)`,
        [`s-${i}`, at],
      );
    });
    const stored = performance.now();
    const changes = await recordArrivals(deps, [{ shopId: 'bench', productId: 'p0', at }]);
    const ms = performance.now() - stored;
    calls.push(ms);
    const started = changes.find((c) => c.kind === 'started');
    if (started?.kind === 'started') revealing = { index: i, ms, escalated: started.escalatedJobs };
  }
  calls.sort((a, b) => a - b);
  const pct = (p: number): string =>
    (calls[Math.min(calls.length - 1, Math.floor(p * calls.length))] ?? 0).toFixed(1);
  return [
    bench.label,
    rebuildMs.toFixed(0),
    pct(0.5),
    pct(0.99),
    revealing ? revealing.ms.toFixed(1) : 'not detected',
    revealing ? `${revealing.index + 1} (${((revealing.index * 5_000) / 1000).toFixed(0)} s)` : '-',
    revealing ? String(revealing.escalated) : '-',
  ];
}

/** Prints, per database, the per-call cost of counting arrivals and the cost of the revealing call. */
export async function spikeLatencyBenchmark(): Promise<void> {
  const rows: string[][] = [];
  for (const open of [benchPglite, benchPostgres]) {
    const bench = await open();
    if (!bench) continue;
    try {
      rows.push(await run(bench));
    } finally {
      await bench.drop();
    }
  }
  printTable(
    [
      'database',
      'first call (rebuild) ms',
      'call p50 ms',
      'call p99 ms',
      'revealing call ms',
      'revealing order (time into spike)',
      'jobs escalated',
    ],
    rows,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await spikeLatencyBenchmark();
