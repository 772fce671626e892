/**
 * `npm run bench -- api`: the operator API with a million orders stored on PostgreSQL. Orders,
 * lines and timelines are generated in SQL (bench/api-seed.ts); then the real HTTP server answers
 * the order list (several filters, a deep cursor page) and an order's page (random orders across
 * the whole table), one request at a time, and the dashboard's overview is computed directly.
 * Goal (issue 7): p95 under 100 ms for the list and the order page.
 */
import type { AddressInfo } from 'node:net';
import { registerOperatorApi } from '../src/api/operator-api.ts';
import { buildServer } from '../src/api/server.ts';
import { computeOverview } from '../src/dashboard/index.ts';
import { loadMigrations } from '../src/db/index.ts';
import { registerOrderRoutes } from '../src/orders/index.ts';
import { systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/log.ts';
import { createMetrics } from '../src/shared/metrics.ts';
import { seedApiData } from './api-seed.ts';
import { benchPostgres } from './databases.ts';
import { printTable } from './storage.ts';

const ORDERS = Number(process.env.BENCH_API_ORDERS ?? 1_000_000);
const REQUESTS = 300;
const WARMUP = 20;
const TOKEN = 'bench-operator-token-0123456789';

export async function apiBenchmark(): Promise<void> {
  const target = await benchPostgres(8);
  if (!target) return;
  const metrics = createMetrics();
  const app = await buildServer(
    { log: createLogger('silent'), db: target.db, migrations: loadMigrations(), metrics },
    [
      (server) =>
        registerOperatorApi(server, { adminToken: TOKEN, keys: target.db }, [
          (scope) => registerOrderRoutes(scope, { db: target.db }),
        ]),
    ],
  );
  try {
    const seedStart = performance.now();
    await seedApiData(target.db, ORDERS);
    const counts = await target.db.query<{ orders: number; lines: number; events: number }>(
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines,
              (SELECT count(*) FROM order_events)::int AS events`,
    );
    const c = counts.rows[0]!;
    process.stdout.write(
      `Stored ${c.orders.toLocaleString('en-US')} orders, ${c.lines.toLocaleString('en-US')} lines, ` +
        `${c.events.toLocaleString('en-US')} timeline entries in ${((performance.now() - seedStart) / 1000).toFixed(0)} s\n`,
    );

    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const get = async (path: string): Promise<unknown> => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };

    // A cursor from three weeks back, as an operator paging far down the list would hold.
    const deep = (
      await target.db.query<{ received_at: Date; order_id: string }>(
        `SELECT received_at, order_id FROM orders ORDER BY received_at DESC, order_id DESC OFFSET $1 LIMIT 1`,
        [Math.floor(ORDERS * 0.75)],
      )
    ).rows[0]!;
    const deepCursor = Buffer.from(`${deep.received_at.toISOString()}|${deep.order_id}`).toString(
      'base64url',
    );
    const randomOrder = () => `57${String(1 + Math.floor(Math.random() * ORDERS)).padStart(16, '0')}`;

    const scenarios: [string, () => string][] = [
      ['list: newest 50', () => '/api/orders?limit=50'],
      ['list: state=failed', () => '/api/orders?state=failed&limit=50'],
      ['list: state=processing (open)', () => '/api/orders?state=processing&limit=50'],
      ['list: state=shipped (open)', () => '/api/orders?state=shipped&limit=50'],
      ['list: state=delivered', () => '/api/orders?state=delivered&limit=50'],
      ['list: state=validated (none in it)', () => '/api/orders?state=validated&limit=50'],
      ['list: priority=viral', () => '/api/orders?priority=viral&limit=50'],
      ['list: shop_id=shop-7', () => '/api/orders?shop_id=shop-7&limit=50'],
      ['list: state+priority+shop', () => '/api/orders?state=failed&priority=vip&shop_id=shop-3&limit=50'],
      ['list: page 3 weeks deep', () => `/api/orders?limit=50&cursor=${deepCursor}`],
      ['list: failed, 3 weeks deep', () => `/api/orders?state=failed&limit=50&cursor=${deepCursor}`],
      ['list: processing, 3 weeks deep', () => `/api/orders?state=processing&limit=50&cursor=${deepCursor}`],
      ['order page (random order)', () => `/api/orders/${randomOrder()}`],
    ];
    const rows: string[][] = [];
    for (const [name, path] of scenarios) {
      const times = await measure(() => get(path()));
      rows.push([name, ms(quantile(times, 0.5)), ms(quantile(times, 0.95)), ms(quantile(times, 0.99))]);
    }
    const overview = await measure(() => computeOverview({ db: target.db, clock: systemClock, metrics }), 30);
    rows.push([
      'overview (in process, not HTTP)',
      ms(quantile(overview, 0.5)),
      ms(quantile(overview, 0.95)),
      ms(quantile(overview, 0.99)),
    ]);
    printTable(['request', 'p50 ms', 'p95 ms', 'p99 ms'], rows);
  } finally {
    await app.close();
    await target.drop();
  }
}

/** Runs `call` sequentially (after a warm-up) and returns each call's milliseconds. */
async function measure(call: () => Promise<unknown>, count = REQUESTS): Promise<number[]> {
  for (let i = 0; i < Math.min(WARMUP, count); i++) await call();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function ms(value: number): string {
  return value.toFixed(1);
}
