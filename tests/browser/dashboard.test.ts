import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../helpers/dashboard-server.ts';
import { seedOrder } from '../helpers/dashboard-seed.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH, TEST_ADMIN_TOKEN } from '../helpers/test-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const haveChromium = existsSync(CHROMIUM);
/** How far the page is wider than the window (run in the page). */
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';
if (!haveChromium) {
  console.warn(`browser tests skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`);
}

let test: TestDatabase;
let server: DashboardServer;
let browser: Browser;
let page: Page;
let seq = 0;

/** Orders of the last hour, so the overview has something to show from the start. */
async function seedHistory(): Promise<void> {
  const now = Date.now();
  const lanes = ['viral', 'vip', 'standard', 'automated'] as const;
  for (let i = 0; i < 120; i++) {
    const r = (i * 37) % 100;
    await seedOrder(test.db, {
      orderId: `5770${String(100000 + i)}`,
      priority: lanes[i % 4],
      receivedAt: new Date(now - ((i * 7919) % 3_500_000) - 30_000),
      outcome: r < 88 ? 'processed' : r < 95 ? 'failed' : 'queued',
      processingMs: 3_000 + ((i * 131) % 25_000),
      amount: 12 + ((i * 17) % 70),
      errorClass: ['transient', 'rate_limited', 'permanent'][i % 3],
    });
  }
}

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...AUTH, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function shot(name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage });
}

describe.skipIf(!haveChromium)('the dashboard in a real browser', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    test = await createTestDatabase();
    server = await startDashboardServer(test.db, {
      listen: true,
      liveIntervalMs: 500,
      evaluatorIntervalMs: 500,
    });
    const shop = await api('/api/shops', {
      method: 'POST',
      body: {
        shop_id: 'shop-1',
        shop_cipher: 'cipher-1',
        access_token: 'token-1',
        name: 'Glow Labs',
        ship_from: {
          name: 'Glow Labs',
          street1: '1 Main St',
          city: 'Austin',
          state: 'TX',
          zip: '78701',
          country: 'US',
        },
      },
    });
    expect(shop.status).toBe(201);
    for (const [sku, onHand] of [
      ['GLOW-SERUM', 240],
      ['LIP-OIL', 4],
      ['MASK-3PK', 120],
    ] as const) {
      expect(
        (await api(`/api/shops/shop-1/inventory/${sku}`, { method: 'PUT', body: { on_hand: onHand } }))
          .status,
      ).toBe(200);
    }
    await seedHistory();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await test?.drop();
  });

  it('asks for the operator token, refuses a wrong one, and signs in with the right one', async () => {
    await page.goto(`${server.url}/`);
    await page.fill('#token', 'not-the-operator-token');
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toContain('not the operator token');
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#kpis');
    await expect.poll(() => page.textContent('#live')).toBe('live');
  });

  it('shows new orders live on the overview and on the orders page', async () => {
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector('#kpis');
    const first = `live-${++seq}`;
    await seedOrder(test.db, {
      orderId: first,
      priority: 'vip',
      receivedAt: new Date(),
      outcome: 'processed',
    });
    await page.waitForSelector(`#activity a[href="#/orders/${first}"]`);
    await page.waitForTimeout(600); // let the chart settle for the screenshot
    await shot('overview');

    await page.click('#nav a[data-page="orders"]');
    await page.waitForSelector('#orders-body tr[data-order]');
    const second = `live-${++seq}`;
    await seedOrder(test.db, { orderId: second, priority: 'viral', receivedAt: new Date() });
    await page.waitForSelector(`#orders-body tr[data-order="${second}"]`);
    await page.selectOption('#filter-priority', 'viral');
    const priorities = page.locator('#orders-body tr[data-order] td:nth-child(3)');
    await expect.poll(async () => [...new Set(await priorities.allTextContents())]).toEqual(['viral']);
    await page.selectOption('#filter-priority', '');
    await page.waitForSelector(`#orders-body tr[data-order="${second}"]`);
    await shot('orders');
  });

  it('lets an operator hold and release an order, with both in its timeline and a refusal shown as the API says it', async () => {
    const orderId = `held-${++seq}`;
    await seedOrder(test.db, { orderId, priority: 'standard', receivedAt: new Date() });
    await page.goto(`${server.url}/#/orders/${orderId}`);
    await page.waitForSelector('#order-actions');
    await page.click('#order-actions button[data-action="hold"]');
    await page.waitForSelector('#timeline li[data-kind="hold"]');
    await page.waitForSelector('#hold-badge');
    await page.click('#order-actions button[data-action="release"]');
    await page.waitForSelector('#timeline li[data-kind="release"]');
    expect(await page.$('#hold-badge')).toBeNull();
    await page.click('#order-actions button[data-action="release"]');
    await expect.poll(() => page.textContent('.notice.error')).toMatch(/is not on hold/);
    await page.click('#order-actions button[data-action="hold"]');
    await expect.poll(() => page.$$eval('#timeline li[data-kind="hold"]', (l) => l.length)).toBe(2);
    await shot('order');
  });

  it("shows a bad rule's validation error next to the field it names", async () => {
    await page.goto(`${server.url}/#/rules`);
    await page.waitForSelector('#rules-form .rule-card');
    const conditions = page.locator('#rules-form .rule-card').first().locator('textarea[name="conditions"]');
    await conditions.fill(JSON.stringify({ field: 'order.value', operator: 'is_about', value: 10 }));
    await page.click('#save-draft');
    const slot = page.locator('[data-error-for="0.conditions"]');
    await expect.poll(() => slot.isVisible()).toBe(true);
    expect(await slot.textContent()).toMatch(/^operator: \S/);
    await expect.poll(() => page.textContent('.notice.error')).toMatch(/fix the field/);
    await shot('rules', false);
  });

  it('dry-runs a corrected draft, publishes it and rolls back to the first version', async () => {
    const conditions = page.locator('#rules-form .rule-card').first().locator('textarea[name="conditions"]');
    await conditions.fill(JSON.stringify({ field: 'order.value', operator: 'greater_than', value: 10 }));
    await page.click('#dry-run-btn');
    await page.waitForSelector('#dry-run');
    expect(await page.textContent('#dry-run')).toMatch(/of \d+ orders/);
    expect(await page.locator('[data-error-for="0.conditions"]').isVisible()).toBe(false);
    await page.click('#save-draft');
    await expect.poll(() => page.textContent('.notice.ok')).toMatch(/Draft saved/);
    await page.click('#publish');
    await expect.poll(() => page.textContent('.notice.ok')).toMatch(/Published v2/);
    await page.selectOption('#rollback-version', '1');
    await page.click('button.danger:has-text("Roll back to")');
    await expect
      .poll(() => page.textContent('.notice.ok'))
      .toMatch(/Rolled back: v3 now runs \(a copy of v1\)/);
  });

  it('shows a viral spike on the overview within seconds, and its alert on the alerts page to acknowledge', async () => {
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector('#no-spikes');
    // What the spike detector stores when it opens an episode.
    await test.db.query(
      `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, peak_per_hour, baseline_per_hour)
       VALUES ('shop-1', '1729382', 'early', now(), 480, 12)`,
    );
    await page.waitForSelector('#spikes li', { timeout: 10_000 });
    expect(await page.textContent('#spikes')).toContain('Product 1729382');
    await expect.poll(() => page.textContent('#alert-badge'), { timeout: 10_000 }).not.toBe('');

    await page.click('#nav a[data-page="alerts"]');
    const spikeAlert = page.locator('#active-alerts li', { hasText: 'Viral spike detected' });
    await spikeAlert.waitFor();
    await spikeAlert.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => spikeAlert.textContent()).toContain('Acknowledged by dashboard');
    await shot('alerts');
  });

  it('changes an alert rule on the alerts page, with a bad value named next to its field', async () => {
    await page.goto(`${server.url}/#/alerts`);
    const row = page.locator('tr[data-rule="processing-time-p95"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.locator('#alert-rule-form');
    await form.locator('input[name="threshold"]').fill('');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect
      .poll(() => form.locator('[data-error-for="threshold"]').textContent(), { timeout: 10_000 })
      .toMatch(/number/i);
    expect(await form.locator('.notice').textContent()).toContain('fix the field marked above');
    await form.scrollIntoViewIfNeeded();
    await shot('alert-rule-editor', false);

    await form.locator('input[name="threshold"]').fill('45');
    await form.locator('select[name="severity"]').selectOption('high');
    await form.locator('input[name="notify_roles"][value="devops"]').check();
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.waitForSelector('#alerts-page-rules .notice.ok');
    expect(await page.textContent('#alerts-page-rules .notice.ok')).toBe(
      'Alert rule "Processing time p95 over 60 s" saved.',
    );
    expect(await row.textContent()).toContain('processing_time_p95_seconds above 45');
    const { rows } = await test.db.query(
      `SELECT threshold, severity, notify_roles FROM alert_rules WHERE id = 'processing-time-p95'`,
    );
    expect(rows).toEqual([{ threshold: 45, severity: 'high', notify_roles: ['team_lead', 'devops'] }]);
  });

  it('shows stock, reserved and available with low stock marked, and purchase orders', async () => {
    // What the re-order action stores when a spike drains a SKU.
    await test.db.query(
      `INSERT INTO purchase_orders (shop_id, seller_sku, quantity, urgent, reason, status)
       VALUES ('shop-1', 'LIP-OIL', 60, true, 'viral spike on product 1729382: re-order 2.5x', 'sent')`,
    );
    await page.goto(`${server.url}/#/inventory`);
    await page.waitForSelector('#stock-table tbody tr td.mono');
    const lowRow = page.locator('#stock-table tr', { hasText: 'LIP-OIL' });
    expect(await lowRow.textContent()).toContain('low stock');
    await page.locator('#purchase-orders tr', { hasText: 'LIP-OIL' }).waitFor();
    await shot('inventory');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector('#kpis');
    await page.waitForTimeout(600);
    const overflow = await page.evaluate<number>(HORIZONTAL_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('overview-phone');
    await page.goto(`${server.url}/#/orders`);
    await page.waitForSelector('#orders-body tr[data-order]');
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
  });
});
