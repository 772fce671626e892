import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateAlerts, type AlertEvaluatorDeps } from '../../src/alerts/index.ts';
import { createOverviewSource } from '../../src/dashboard/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { NOTIFY_TEST_ROUTES, startDashboardServer } from '../helpers/dashboard-server.ts';
import { seedOrder, seedShop } from '../helpers/dashboard-seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

const START = Date.UTC(2026, 0, 10, 12, 0, 0);
let test: TestDatabase;
let clock: ManualClock;
let deps: AlertEvaluatorDeps;
let seq = 0;

beforeEach(async () => {
  await test?.drop();
  test = await createTestDatabase();
  await seedShop(test.db);
  clock = new ManualClock(START);
  // maxAgeMs 0: every round reads fresh figures.
  const overview = createOverviewSource({ db: test.db, clock, metrics: createMetrics() }, { maxAgeMs: 0 });
  deps = {
    db: test.db,
    clock,
    log: createLogger('silent'),
    notifyRoutes: NOTIFY_TEST_ROUTES,
    figures: () => overview.get(),
  };
});
afterAll(() => test?.drop());

/** Stores `processed` processed and `failed` failed orders, received a minute before the clock. */
async function outcomes(processed: number, failed: number, processingMs = 5_000): Promise<void> {
  const receivedAt = new Date(clock.now() - 60_000);
  for (let i = 0; i < processed; i++) {
    await seedOrder(test.db, { orderId: `o${seq++}`, receivedAt, outcome: 'processed', processingMs });
  }
  for (let i = 0; i < failed; i++) {
    await seedOrder(test.db, { orderId: `o${seq++}`, receivedAt, outcome: 'failed' });
  }
}

async function alerts() {
  const { rows } = await test.db.query<{ id: number; rule_id: string; status: string; subject: string }>(
    `SELECT id::int AS id, rule_id, status, subject FROM alerts ORDER BY id`,
  );
  return rows;
}

async function notifications() {
  const { rows } = await test.db.query<{
    cause: string;
    role: string;
    target: string;
    severity: string;
    subject: string;
  }>(`SELECT cause, role, target, severity, subject FROM notifications ORDER BY id`);
  return rows;
}

describe('the alert evaluator', () => {
  it('opens one high alert when the success rate falls under 0.95, notifying team lead and devops once', async () => {
    await outcomes(18, 2);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 1, resolved: 0 });
    clock.advance(2_000);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 0 });
    expect(await alerts()).toEqual([
      expect.objectContaining({ rule_id: 'automation-success-rate', status: 'active' }),
    ]);
    const sent = await notifications();
    expect(sent.map((n) => [n.role, n.target, n.severity])).toEqual([
      ['team_lead', 'lead@shop.test', 'high'],
      ['devops', 'http://127.0.0.1:9/devops', 'high'],
    ]);
    expect(sent[0]?.subject).toBe('[high] Automation success rate under 95%: 90.0%, threshold 95.0%');
  });

  it('does not fire on a rate over fewer orders than the rule asks for', async () => {
    await outcomes(5, 5);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 0 });
  });

  it('resolves the episode once the rate has stayed healthy for the clear time, and says so', async () => {
    await outcomes(18, 2);
    await evaluateAlerts(deps);
    await outcomes(200, 0);
    clock.advance(2_000);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 0 });
    clock.advance(119_000);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 0 });
    clock.advance(1_000);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 1 });
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'resolved' })]);
    const causes = (await notifications()).map((n) => n.cause);
    expect(causes.filter((c) => c.endsWith(':resolved'))).toHaveLength(2);
  });

  it('raises a medium alert for the team lead when p95 processing time passes 60 s', async () => {
    await outcomes(25, 0, 90_000);
    clock.advance(60_000);
    await evaluateAlerts(deps);
    expect((await alerts()).map((a) => a.rule_id)).toEqual(['processing-time-p95']);
    expect((await notifications()).map((n) => [n.role, n.severity])).toEqual([['team_lead', 'medium']]);
  });

  it('gives each viral spike its own info alert for the fulfilment team, resolved when the spike ends', async () => {
    const spike = async (product: string) =>
      (
        await test.db.query<{ id: number }>(
          `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, peak_per_hour, baseline_per_hour)
           VALUES ('shop-1', $1, 'early', $2, 300, 10) RETURNING id::int AS id`,
          [product, new Date(clock.now())],
        )
      ).rows[0]!.id;
    const first = await spike('p1');
    await evaluateAlerts(deps);
    await spike('p2');
    await evaluateAlerts(deps);
    expect((await alerts()).map((a) => [a.rule_id, a.status])).toEqual([
      ['viral-spike', 'active'],
      ['viral-spike', 'active'],
    ]);
    await test.db.query(`UPDATE spike_episodes SET ended_at = $2 WHERE id = $1`, [
      first,
      new Date(clock.now()),
    ]);
    expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 1 });
    const sent = await notifications();
    expect(sent.map((n) => [n.role, n.severity])).toEqual([
      ['fulfillment_team', 'info'],
      ['fulfillment_team', 'info'],
    ]);
    expect(sent[0]?.subject).toBe(
      '[info] Viral spike detected (spike on product p1 of shop shop-1, peak 300 orders/h)',
    );
  });

  it('keeps one open episode when two evaluators run the same round at once', async () => {
    await outcomes(18, 2);
    const results = await Promise.all([evaluateAlerts(deps), evaluateAlerts(deps)]);
    expect(results.reduce((n, r) => n + r.opened, 0)).toBe(1);
    expect(await alerts()).toHaveLength(1);
    expect(await notifications()).toHaveLength(2);
  });
});

describe('the alerts API', () => {
  it('lists active and past alerts and records the first acknowledgement only', async () => {
    const server = await startDashboardServer(test.db, { clock });
    try {
      await outcomes(18, 2);
      await evaluateAlerts(deps);
      const list = await server.app.inject({ url: '/api/alerts?status=active', headers: AUTH });
      const [alert] = list.json<{ alerts: { id: number; worst_text: string }[] }>().alerts;
      expect(alert).toMatchObject({
        rule_id: 'automation-success-rate',
        severity: 'high',
        worst_text: '90.0%',
      });
      const ack = (by: string) =>
        server.app.inject({
          method: 'POST',
          url: `/api/alerts/${alert!.id}/acknowledge`,
          headers: AUTH,
          payload: { by },
        });
      expect((await ack('maya')).json()).toMatchObject({ acknowledged_by: 'maya' });
      expect((await ack('sam')).json()).toMatchObject({ acknowledged_by: 'maya' });
      const missing = await server.app.inject({
        method: 'POST',
        url: '/api/alerts/999/acknowledge',
        headers: AUTH,
      });
      expect(missing.statusCode).toBe(404);
      const past = await server.app.inject({ url: '/api/alerts?status=resolved', headers: AUTH });
      expect(past.json()).toEqual({ alerts: [] });
      const bad = await server.app.inject({ url: '/api/alerts?status=open', headers: AUTH });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toBe('status: use active or resolved');
    } finally {
      await server.close();
    }
  });

  it('changes a rule through PUT /api/alert-rules/:id, naming a bad field, and the next round uses it', async () => {
    const server = await startDashboardServer(test.db, { clock });
    try {
      const put = (payload: Record<string, unknown>) =>
        server.app.inject({
          method: 'PUT',
          url: '/api/alert-rules/automation-success-rate',
          headers: AUTH,
          payload,
        });
      const rule = {
        name: 'Automation success rate under 80%',
        metric: 'automation_success_rate',
        comparison: 'below',
        threshold: 0.8,
        severity: 'high',
        notify_roles: ['team_lead', 'devops'],
        min_samples: 20,
      };
      const bad = await put({ ...rule, metric: 'happiness' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/^metric: use one of automation_success_rate, /);
      const badRole = await put({ ...rule, notify_roles: ['ceo'] });
      expect(badRole.json().error.message).toMatch(/^notify_roles\.0: /);
      expect((await put(rule)).statusCode).toBe(200);
      await outcomes(18, 2);
      expect(await evaluateAlerts(deps)).toEqual({ opened: 0, resolved: 0 });
      const created = await server.app.inject({
        method: 'PUT',
        url: '/api/alert-rules/viral-overdue',
        headers: AUTH,
        payload: {
          ...rule,
          name: 'Viral orders overdue',
          metric: 'lane_overdue_orders',
          comparison: 'at_least',
          threshold: 1,
        },
      });
      expect(created.statusCode).toBe(201);
      const listed = await server.app.inject({ url: '/api/alert-rules', headers: AUTH });
      expect(listed.json().rules.map((r: { id: string }) => r.id)).toContain('viral-overdue');
    } finally {
      await server.close();
    }
  });
});
