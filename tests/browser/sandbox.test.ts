import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startService,
  stopService,
  waitForOutput,
  waitUntilReady,
  type ServiceProcess,
} from '../helpers/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const haveChromium = existsSync(CHROMIUM);

let service: ServiceProcess;
let test: TestDatabase | undefined;
let dataDir: string | undefined;
let browser: Browser;
let dashboardServed = false;

/**
 * `npm start` in sandbox mode, as a user would run it: demo traffic (2 webhooks/s) with a viral
 * spike every four minutes (72 s long, starting 72 s in), the dashboard at `/`, the token read
 * from the log. The sandbox writes two hours of history first, so the spike stands out against a
 * learned baseline rather than an empty one.
 */
describe.skipIf(!haveChromium)('the sandbox in a real browser', () => {
  beforeAll(async () => {
    test = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
    dataDir = test ? undefined : mkdtempSync(join(tmpdir(), 'creatorflow-sandbox-'));
    service = await startService({
      CREATORFLOW_MODE: 'sandbox',
      SANDBOX_TRAFFIC_RATE: '2',
      SANDBOX_SPIKE_EVERY_MINUTES: '4',
      ...(test?.url ? { DATABASE_URL: test.url } : { CREATORFLOW_DATA_DIR: dataDir! }),
    });
    await waitUntilReady(service);
    dashboardServed = (await fetch(`${service.baseUrl}/`)).status === 200;
    if (!dashboardServed) {
      console.warn('sandbox browser test skipped: src/app.ts does not serve the dashboard at / yet');
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    if (service) await stopService(service);
    await test?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the token from the log, shows demo orders live, the first viral spike as it happens, and its content signals', async (ctx) => {
    if (!dashboardServed) ctx.skip();
    const token = /Operator login: use token (\S+)/.exec(await waitForOutput(service, /Operator login/))?.[1];
    expect(token).toBeDefined();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${service.baseUrl}/`);
    await page.fill('#token', token!);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#kpis');
    await page.waitForSelector('#activity a[href^="#/orders/"]', { timeout: 30_000 });
    await page.waitForSelector('#spikes li', { timeout: 150_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await whyNoSpike(token!)}`);
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}sandbox-overview.png`, fullPage: true });
    await page.click('#activity a[href^="#/orders/"]');
    await page.waitForSelector('#timeline li[data-kind="received"]');

    // The simulated creator's video reached CreatorFlow as content signals, through its API.
    const signals = await fetch(`${service.baseUrl}/api/signals?shop_id=7494049642642441621`, {
      headers: { authorization: `Bearer ${token!}` },
    });
    const kinds = ((await signals.json()) as { signals: { kind: string }[] }).signals.map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['creator', 'hashtag', 'views']));

    // Against the written history the demo's ordinary orders are ordinary: not every one is viral.
    const standard = await fetch(`${service.baseUrl}/api/orders?priority=standard&limit=100`, {
      headers: { authorization: `Bearer ${token!}` },
    });
    const ids = ((await standard.json()) as { orders: { id: string }[] }).orders.map((o) => o.id);
    expect(ids.filter((id) => !id.startsWith('demo-history-')).length).toBeGreaterThan(0);
  }, 240_000);
});

/** What the service knew when no spike showed: its episodes, orders per state and its warnings. */
async function whyNoSpike(token: string): Promise<string> {
  const get = async (path: string) => {
    const res = await fetch(`${service.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return `GET ${path} -> ${res.status} ${(await res.text()).slice(0, 2_000)}`;
  };
  const warnings = service
    .stdout()
    .split('\n')
    .filter((line) => /"level":(40|50|60)|spike/i.test(line))
    .slice(-40);
  return [
    await get('/api/spikes').catch(String),
    await get('/api/overview').catch(String),
    'service warnings and spike lines:',
    ...warnings,
    'stderr:',
    service.stderr().slice(-3_000),
  ].join('\n');
}
