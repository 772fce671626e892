import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signApiRequest, verifyWebhookSignature } from '../../src/integrations/tiktok/index.ts';
import {
  defaultTiktokKnobs,
  startTiktokSimulator,
  type CreatedSimShop,
  type TiktokSimulator,
} from '../../src/simulators/tiktok/index.ts';

// The simulator spoken to by hand (no client), and its webhooks received by a plain HTTP server.
interface Received {
  body: string;
  json: {
    type: number;
    tts_notification_id: string;
    shop_id: string;
    timestamp: number;
    data: Record<string, unknown>;
  };
  signatureValid: boolean;
}

let sim: TiktokSimulator;
let shop: CreatedSimShop;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** The receiver answers 500 to the first delivery of ids listed here. */
const failFirst = new Set<string>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const json = JSON.parse(raw.toString('utf8')) as Received['json'];
      const signatureValid = verifyWebhookSignature(
        sim.appKey,
        sim.appSecret,
        raw,
        req.headers.authorization,
      );
      received.push({ body: raw.toString('utf8'), json, signatureValid });
      const orderId = typeof json.data.order_id === 'string' ? json.data.order_id : '';
      if (failFirst.delete(orderId)) {
        res.statusCode = 500;
        return res.end('try later');
      }
      res.statusCode = 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/tiktok`;
  sim = await startTiktokSimulator({ seed: 11, webhookTarget: receiverUrl });
  shop = sim.createShop({ name: 'Webhook Shop' });
});
afterAll(async () => {
  await sim.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(() => {
  Object.assign(sim.knobs, defaultTiktokKnobs(), { webhookRetryDelaysMs: [20, 20, 20] });
});
afterEach(async () => {
  await sim.webhooksIdle();
  received = [];
});

/** A signed Open API call built by hand from the protocol, optionally tampered with. */
async function call(input: {
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, string>;
  body?: string;
  sentBody?: string;
  token?: string | undefined;
  timestamp?: number;
  cipher?: string | undefined;
}) {
  const query: Record<string, string> = {
    ...input.params,
    app_key: sim.appKey,
    timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  if (input.cipher !== undefined) query.shop_cipher = input.cipher;
  const sign = signApiRequest({ appSecret: sim.appSecret, path: input.path, query, body: input.body });
  const url = `${sim.url}${input.path}?${new URLSearchParams({ ...query, sign }).toString()}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (input.token !== undefined) headers['x-tts-access-token'] = input.token;
  const res = await request(url, { method: input.method, headers, body: input.sentBody ?? input.body });
  return {
    status: res.statusCode,
    json: (await res.body.json()) as {
      code: number;
      message: string;
      data: { orders: unknown[] };
      request_id: string;
    },
  };
}

describe('TikTok simulator checks requests as TikTok does', () => {
  it('answers a correctly signed search with the envelope and code 0', async () => {
    sim.seedOrders(shop.credentials.shopId, 2);
    const res = await call({
      method: 'POST',
      path: '/order/202309/orders/search',
      params: { page_size: '10' },
      body: '{}',
      token: shop.credentials.accessToken,
      cipher: shop.credentials.shopCipher,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 0, message: 'Success' });
    expect(res.json.data.orders.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a body that differs from the signed one with 106001', async () => {
    const res = await call({
      method: 'POST',
      path: '/order/202309/orders/search',
      params: { page_size: '10' },
      body: '{"order_status":"UNPAID"}',
      sentBody: '{"order_status":"CANCELLED"}',
      token: shop.credentials.accessToken,
      cipher: shop.credentials.shopCipher,
    });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe(106001);
  });

  it('refuses a request without the access token header with 105001', async () => {
    const res = await call({ method: 'GET', path: '/authorization/202309/shops', token: undefined });
    expect(res.json.code).toBe(105001);
  });

  it('accepts a timestamp 20 s ahead and refuses one 60 s ahead or 6 minutes old with 106002', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = shop.credentials.accessToken;
    expect(
      (await call({ method: 'GET', path: '/authorization/202309/shops', token, timestamp: now + 20 })).json
        .code,
    ).toBe(0);
    expect(
      (await call({ method: 'GET', path: '/authorization/202309/shops', token, timestamp: now + 60 })).json
        .code,
    ).toBe(106002);
    expect(
      (await call({ method: 'GET', path: '/authorization/202309/shops', token, timestamp: now - 360 })).json
        .code,
    ).toBe(106002);
  });

  it('refuses a shop-scoped call without shop_cipher with 105005', async () => {
    const res = await call({
      method: 'GET',
      path: '/order/202309/orders',
      params: { ids: '1' },
      token: shop.credentials.accessToken,
    });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe(105005);
  });

  it('refuses more than 50 ids with 40006', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => String(i)).join(',');
    const res = await call({
      method: 'GET',
      path: '/order/202309/orders',
      params: { ids },
      token: shop.credentials.accessToken,
      cipher: shop.credentials.shopCipher,
    });
    expect(res.json.code).toBe(40006);
    expect(res.json.message).toMatch(/at most 50/);
  });

  it('refuses a token exchange with the wrong app secret with 36004004', async () => {
    const code = sim.issueAuthCode(shop.credentials.shopId);
    const url = `${sim.authUrl}/api/v2/token/get?app_key=${sim.appKey}&app_secret=wrong&auth_code=${code}&grant_type=authorized_code`;
    const res = await request(url);
    expect(((await res.body.json()) as { code: number }).code).toBe(36004004);
  });

  it('throttles every call with 429 / 36009002 when the throttle rate is 1', async () => {
    sim.knobs.throttleRate = 1;
    sim.knobs.retryAfterSeconds = 2;
    const res = await call({
      method: 'GET',
      path: '/authorization/202309/shops',
      token: shop.credentials.accessToken,
    });
    expect(res.status).toBe(429);
    expect(res.json.code).toBe(36009002);
  });
});

describe('TikTok simulator webhooks', () => {
  it('signs each webhook over app key and raw body, with the order id, status and update time', async () => {
    const order = sim.createOrder(shop.credentials.shopId);
    await sim.webhooksIdle();
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.json).toMatchObject({
      type: 1,
      shop_id: shop.credentials.shopId,
      data: { order_id: order.id, order_status: 'AWAITING_SHIPMENT', update_time: order.update_time },
    });
    expect(hook!.json.tts_notification_id).toMatch(/^\d{19}$/);
  });

  it('sends types 11 and 1 (CANCEL) for a buyer cancellation, 3 for an address change, 4 for a package split, 12 for a return', async () => {
    const cancelled = sim.createOrder(shop.credentials.shopId, { notify: false });
    const moved = sim.createOrder(shop.credentials.shopId, { notify: false });
    sim.buyerCancel(cancelled.id);
    sim.updateAddress(moved.id);
    await sim.webhooksIdle();
    const types = received.map((r) => [r.json.type, r.json.data.order_id, r.json.data.order_status]);
    expect(types).toEqual(
      expect.arrayContaining([
        [11, cancelled.id, undefined],
        [1, cancelled.id, 'CANCEL'],
        [3, moved.id, undefined],
      ]),
    );
    const split = sim.seedOrders(shop.credentials.shopId, 30).find((o) => o.line_items.length > 1)!;
    sim.splitPackage(split.id);
    await sim.webhooksIdle();
    const packageUpdate = received.find((r) => r.json.type === 4)!;
    expect(packageUpdate.json.data.sc_type).toBe('SPLIT');
    expect(packageUpdate.json.data.package_list).toHaveLength(2);
    const returnId = sim.requestReturn(split.id);
    await sim.webhooksIdle();
    expect(received.find((r) => r.json.type === 12)!.json.data).toMatchObject({
      order_id: split.id,
      return_id: returnId,
    });
    expect(received.every((r) => r.signatureValid)).toBe(true);
  });

  it('redelivers a webhook answered 500 until it is acknowledged', async () => {
    const order = sim.createOrder(shop.credentials.shopId, { notify: false });
    failFirst.add(order.id);
    sim.setOrderStatus(order.id, 'IN_TRANSIT');
    await sim.webhooksIdle();
    const bodies = received.filter((r) => r.json.data.order_id === order.id);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.body).toBe(bodies[1]!.body);
    const attempts = sim.webhookAttempts.filter(
      (a) => a.notificationId === bodies[0]!.json.tts_notification_id,
    );
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('gives up after the last redelivery delay', async () => {
    const stop = sim.counters.webhooksGaveUp;
    sim.setWebhookTarget('http://127.0.0.1:9/nothing-listens');
    sim.createOrder(shop.credentials.shopId);
    await sim.webhooksIdle();
    sim.setWebhookTarget(receiverUrl);
    expect(sim.counters.webhooksGaveUp - stop).toBe(1);
  });

  it('duplicates and drops deliveries at about the configured rates', async () => {
    Object.assign(sim.knobs, { duplicateRate: 0.3, dropRate: 0.1 });
    const before = { ...sim.counters };
    sim.seedOrders(shop.credentials.shopId, 400, { notify: true });
    await sim.webhooksIdle();
    const duplicated = sim.counters.webhooksDuplicated - before.webhooksDuplicated;
    const dropped = sim.counters.webhooksDropped - before.webhooksDropped;
    // Binomial(400, 0.3): mean 120, sd 9.2; Binomial(400, 0.1): mean 40, sd 6: bounds at about 4 sd.
    expect(duplicated).toBeGreaterThan(83);
    expect(duplicated).toBeLessThan(157);
    expect(dropped).toBeGreaterThan(16);
    expect(dropped).toBeLessThan(64);
    expect(received).toHaveLength(400 - dropped + duplicated);
    const ids = new Set(received.map((r) => r.json.tts_notification_id));
    expect(ids.size).toBe(400 - dropped);
    for (const lost of sim.droppedWebhooks.slice(-dropped))
      expect(ids.has(lost.tts_notification_id)).toBe(false);
  });

  it('reorders deliveries at about the configured rate: a held webhook arrives after the next one', async () => {
    Object.assign(sim.knobs, { reorderRate: 0.2, webhookConcurrency: 1 });
    const before = sim.counters.webhooksReordered;
    const orders = sim.seedOrders(shop.credentials.shopId, 300, { notify: true });
    await sim.webhooksIdle();
    const reordered = sim.counters.webhooksReordered - before;
    const position = new Map(orders.map((o, i) => [o.id, i]));
    const arrival = received.map((r) => position.get(String(r.json.data.order_id))!);
    const inversions = arrival.filter((p, i) => i > 0 && p < arrival[i - 1]!).length;
    // Every held webhook but possibly the last (sent alone after a pause) lands behind its successor.
    expect(inversions).toBeGreaterThanOrEqual(reordered - 1);
    expect(inversions).toBeLessThanOrEqual(reordered);
    // Binomial-like around 300 * 0.2 / 1.2 = 50.
    expect(reordered).toBeGreaterThan(25);
    expect(reordered).toBeLessThan(80);
  });
});

describe('TikTok simulator traffic', () => {
  it('generates webhooks at the asked rate with a viral product taking a large share of new orders', async () => {
    const traffic = sim.createShop({ name: 'Traffic Shop' });
    const run = sim.startTraffic({
      shopId: traffic.credentials.shopId,
      ratePerSecond: 400,
      durationMs: 500,
      spike: { productId: 'auto', startMs: 0, durationMs: 500 },
    });
    await run.done;
    await sim.webhooksIdle();
    expect(run.emitted()).toBeGreaterThanOrEqual(200);
    expect(run.emitted()).toBeLessThanOrEqual(201);
    const created = received.filter(
      (r) => r.json.type === 1 && r.json.shop_id === traffic.credentials.shopId,
    );
    const orders = [...new Set(created.map((r) => String(r.json.data.order_id)))].map((id) => sim.order(id)!);
    const viral = orders.filter((o) => o.line_items.every((i) => i.product_id === run.spikeProductId));
    // Ten products: about 10% each without a spike; the ramp to 60% must lift it well above that.
    expect(viral.length / orders.length).toBeGreaterThan(0.25);
    expect(new Set(orders.map((o) => o.user_id)).size).toBeLessThan(orders.length); // repeat buyers
  });
});
