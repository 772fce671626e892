import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeOverview } from '../../src/dashboard/index.ts';
import { ORDER_STATES, PRIORITIES } from '../../src/orders/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { startDashboardServer, type DashboardServer } from '../helpers/dashboard-server.ts';
import { seedOrder, seedShop } from '../helpers/dashboard-seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

const NOW = Date.UTC(2026, 0, 10, 12, 30, 20);
const clock = new ManualClock(NOW);
const ago = (ms: number) => new Date(NOW - ms);
let test: TestDatabase;
let server: DashboardServer;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedShop(test.db);
  // In the 15-minute window: 19 processed (one slow), 1 failed (transient). Older ones don't count.
  for (let i = 0; i < 18; i++) {
    await seedOrder(test.db, {
      orderId: `p${i}`,
      priority: i < 9 ? 'standard' : 'viral',
      receivedAt: ago(60_000 + i * 1_000),
      outcome: 'processed',
      processingMs: 10_000,
      amount: 20,
    });
  }
  await seedOrder(test.db, {
    orderId: 'slow',
    priority: 'viral',
    receivedAt: ago(200_000),
    outcome: 'processed',
    processingMs: 100_000,
    amount: 50,
  });
  await seedOrder(test.db, {
    orderId: 'broken',
    receivedAt: ago(120_000),
    outcome: 'failed',
    errorClass: 'transient',
  });
  await seedOrder(test.db, { orderId: 'old', receivedAt: ago(3_600_000 - 60_000), outcome: 'failed' });
  // Waiting: two standard orders, one of them past its deadline, one vip held.
  await seedOrder(test.db, { orderId: 'q1', receivedAt: ago(10_000) });
  await seedOrder(test.db, { orderId: 'q2', receivedAt: ago(400_000) });
  await seedOrder(test.db, { orderId: 'q3', priority: 'vip', receivedAt: ago(5_000) });
  await test.db.query(`UPDATE order_jobs SET run_at = 'infinity' WHERE order_id = 'q3'`);
  await test.db.query(
    `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, ended_at, peak_per_hour, baseline_per_hour)
     VALUES ('shop-1', 'hot', 'early', $1, NULL, 400, 10), ('shop-1', 'was-hot', 'early', $2, $1, 200, 10)`,
    [ago(120_000), ago(7_200_000)],
  );
  server = await startDashboardServer(test.db, { clock });
});
afterAll(async () => {
  await server?.close();
  await test?.drop();
});

describe('the overview', () => {
  it('counts the window outcomes, the automation success rate and processing times', async () => {
    const o = await computeOverview({ db: test.db, clock, metrics: createMetrics() });
    expect(o.processed).toBe(19);
    expect(o.failed).toBe(1);
    expect(o.automation_success_rate).toBeCloseTo(19 / 20, 10);
    expect(o.processing_seconds_avg).toBeCloseTo((18 * 10 + 100) / 19, 6);
    // p95 of 18 × 10 s and 1 × 100 s, interpolated as percentile_cont does.
    expect(o.processing_seconds_p95).toBeCloseTo(10 + 0.1 * 90, 6);
  });

  it('shows per lane what waits, what is held or overdue, and the SLA compliance of processed orders', async () => {
    const o = await computeOverview({ db: test.db, clock, metrics: createMetrics() });
    const lane = (name: string) => o.lanes.find((l) => l.lane === name);
    expect(lane('standard')).toMatchObject({ depth: 2, held: 0, overdue: 1, processed: 9, within_sla: 9 });
    expect(lane('standard')?.sla_compliance).toBe(1);
    // The slow viral order took 100 s against a 30 s SLA.
    expect(lane('viral')).toMatchObject({ processed: 10, within_sla: 9, sla_compliance: 0.9 });
    expect(lane('vip')).toMatchObject({ depth: 1, held: 1, overdue: 0, sla_compliance: null });
    expect(lane('automated')).toMatchObject({ depth: 0, processed: 0, sla_compliance: null });
  });

  it('groups failures by their error class and sums revenue per currency', async () => {
    const o = await computeOverview({ db: test.db, clock, metrics: createMetrics() });
    expect(o.errors_by_class).toEqual([{ class: 'transient', count: 1, per_minute: 1 / 15 }]);
    expect(o.revenue).toEqual([{ currency: 'USD', amount: 18 * 20 + 50, orders: 19 }]);
  });

  it('charts orders received and processed per minute over the last hour, with empty minutes as zero', async () => {
    const o = await computeOverview({ db: test.db, clock, metrics: createMetrics() });
    expect(o.per_minute).toHaveLength(60);
    expect(o.per_minute.at(-1)?.minute).toEqual(new Date(Date.UTC(2026, 0, 10, 12, 30)));
    expect(o.per_minute.reduce((s, m) => s + m.received, 0)).toBe(24);
    expect(o.per_minute.reduce((s, m) => s + m.processed, 0)).toBe(19);
    expect(o.per_minute.filter((m) => m.received === 0).length).toBeGreaterThan(40);
  });

  it('lists open viral spike episodes as active spikes, not ended ones', async () => {
    const o = await computeOverview({ db: test.db, clock, metrics: createMetrics() });
    expect(o.spikes).toEqual([
      expect.objectContaining({ shop_id: 'shop-1', product_id: 'hot', peak_per_hour: 400 }),
    ]);
  });

  it('answers GET /api/overview to the operator only', async () => {
    expect((await server.app.inject({ url: '/api/overview' })).statusCode).toBe(401);
    const res = await server.app.inject({ url: '/api/overview', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ processed: 19, failed: 1, active_alerts: 0 });
  });

  it('publishes the same figures as Prometheus gauges in /metrics', async () => {
    const text = (await server.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/^creatorflow_automation_success_rate\{service="creatorflow"\} 0\.95$/m);
    expect(text).toMatch(/^creatorflow_lane_queue_depth\{lane="standard",service="creatorflow"\} 2$/m);
    expect(text).toMatch(/^creatorflow_lane_sla_compliance\{lane="viral",service="creatorflow"\} 0\.9$/m);
    expect(text).toMatch(/^creatorflow_viral_spikes_active\{service="creatorflow"\} 1$/m);
    expect(text).toMatch(
      /^creatorflow_order_failures_per_minute\{class="transient",service="creatorflow"\} 0\.0666/m,
    );
    expect(text).toMatch(/^creatorflow_alerts_active\{severity="high",service="creatorflow"\} 0$/m);
  });

  it('serves the dashboard page at / and the chart library beside it', async () => {
    const page = await server.app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<script type="module" src="/js/app.js">');
    const uplot = await server.app.inject({ url: '/vendor/uplot/uPlot.esm.js' });
    expect(uplot.statusCode).toBe(200);
    expect((await server.app.inject({ url: '/vendor/uplot/../../package.json' })).statusCode).toBe(404);
  });

  it('serves the pages the order states and lanes from their one definition', async () => {
    const glossary = await server.app.inject({ url: '/js/glossary.js' });
    expect(glossary.statusCode).toBe(200);
    expect(glossary.headers['content-type']).toMatch(/javascript/);
    expect(glossary.body).toContain(`export const ORDER_STATES = ${JSON.stringify(ORDER_STATES)};`);
    expect(glossary.body).toContain(`export const PRIORITIES = ${JSON.stringify(PRIORITIES)};`);
  });
});
