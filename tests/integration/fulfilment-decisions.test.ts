import { afterEach, describe, expect, it } from 'vitest';
import { startFulfilmentHarness, type FulfilmentHarness } from '../helpers/fulfilment-harness.ts';
import type { OrderJob } from '../../src/queue/index.ts';
import { seedDemoHistory } from '../../src/sandbox/index.ts';
import { runOrderStep } from '../../src/workflows/index.ts';
import { AUTH } from '../helpers/test-server.ts';

let h: FulfilmentHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function orderRow(harness: FulfilmentHarness, orderId: string) {
  const { rows } = await harness.test.db.query<{
    state: string;
    priority: string;
    hold_reason: string | null;
  }>(`SELECT state, priority, hold_reason FROM orders WHERE order_id = $1`, [orderId]);
  return rows[0];
}

describe('rules and spikes in the running workflow', () => {
  it('records which published rules ran for every order before it is processed', async () => {
    h = await startFulfilmentHarness({ rules: true });
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await h.waitFor('the order to be processed', async () => {
      const row = await orderRow(h!, order.id);
      return row && !['received', 'validated'].includes(row.state) ? row : undefined;
    });
    const { rows } = await h.test.db.query<{ kind: string; detail: Record<string, unknown> }>(
      `SELECT kind, detail FROM order_events WHERE order_id = $1 AND kind IN ('rules_evaluated', 'transition') ORDER BY id`,
      [order.id],
    );
    const kinds = rows.map((r) => `${r.kind}${r.kind === 'transition' ? `:${String(r.detail.event)}` : ''}`);
    expect(kinds.indexOf('rules_evaluated')).toBeGreaterThan(kinds.indexOf('transition:validate'));
    expect(kinds.indexOf('rules_evaluated')).toBeLessThan(kinds.indexOf('transition:start_processing'));
  });

  it('holds an order a rule holds, and an operator release lets it go on', async () => {
    h = await startFulfilmentHarness({
      classify: async () => ({ hold: { reason: 'fraud (rule test-hold)' }, summary: { rules: 'test' } }),
    });
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    const held = await h.waitFor('the order to be held', async () => {
      const row = await orderRow(h!, order.id);
      return row?.hold_reason ? row : undefined;
    });
    expect(held).toMatchObject({ state: 'processing', hold_reason: 'fraud (rule test-hold)' });

    const released = await h.server.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/release`,
      headers: AUTH,
      payload: {},
    });
    expect(released.statusCode).toBe(200);
    await h.waitFor('the released order to get its label', async () => {
      const row = await orderRow(h!, order.id);
      return row && ['label_generated', 'shipped'].includes(row.state) ? row : undefined;
    });
  });

  it('catches a product going viral as its orders arrive: one episode, one re-order, its queued orders in the viral lane', async () => {
    h = await startFulfilmentHarness({ rules: true, stockPerSku: 1000 });
    // Two hours of ordinary trade first: a spike is only a spike against a learned normal.
    await seedDemoHistory(h.test.db, h.shop, { ordersPerHour: 60, now: new Date() });
    const product = h.shop.products[0]!;
    // Orders arrive before the workers start, so the spike finds them still queued.
    const orders = Array.from({ length: 60 }, () =>
      h!.tiktok.createOrder(h!.shop.credentials.shopId, { productId: product.id, shippingType: 'SELLER' }),
    );
    await h.tiktok.webhooksIdle();
    await h.start();
    const episode = await h.waitFor(
      'a spike episode',
      async () => {
        const { rows } = await h!.test.db.query<{ product_id: string }>(
          `SELECT product_id FROM spike_episodes`,
        );
        return rows[0];
      },
      60_000,
    );
    expect(episode.product_id).toBe(product.id);
    const { rows: episodes } = await h.test.db.query(`SELECT 1 FROM spike_episodes`);
    expect(episodes).toHaveLength(1);
    const { rows: viral } = await h.test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE priority = 'viral' AND order_id = ANY($1::text[])`,
      [orders.map((o) => o.id)],
    );
    expect(viral[0]!.n).toBeGreaterThan(0);
    const { rows: purchaseOrders } = await h.test.db.query(`SELECT 1 FROM purchase_orders`);
    expect(purchaseOrders.length).toBeGreaterThan(0);
  });

  it('carries an operator cancellation to TikTok and stops the order', async () => {
    h = await startFulfilmentHarness({
      classify: () => Promise.reject(new Error('the rules service is unavailable')),
    });
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await h.waitFor('the order to wait at validated', async () =>
      (await orderRow(h!, order.id))?.state === 'validated' ? true : undefined,
    );
    const cancelled = await h.server.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/cancel`,
      headers: AUTH,
      payload: { reason: 'buyer phoned' },
    });
    expect(cancelled.statusCode).toBe(200);
    const atTiktok = await h.waitFor('TikTok to record the cancellation', async () =>
      h!.tiktok.cancellations.find((c) => c.orderId === order.id),
    );
    expect(atTiktok.orderId).toBe(order.id);
    await h.waitFor('the compensation to be recorded', async () => {
      const { rows } = await h!.test.db.query(
        `SELECT 1 FROM order_events WHERE order_id = $1 AND kind = 'compensated'`,
        [order.id],
      );
      return rows[0];
    });
    expect((await orderRow(h, order.id))?.state).toBe('cancelled');
  });

  it('in a shortage gives arriving stock to the VIP order before the standard one that waited longer', async () => {
    const vipOrders = new Set<string>();
    h = await startFulfilmentHarness({
      stockPerSku: 0,
      classify: async ({ orderId }) =>
        vipOrders.has(orderId) ? { priority: 'vip', summary: {} } : { summary: {} },
    });
    const workers = await h.start();
    const product = h.shop.products.find((p) => p.skus.length === 1)!;
    const sku = product.skus[0]!.sellerSku;
    const standard = h.tiktok.createOrder(h.shop.credentials.shopId, {
      productId: product.id,
      shippingType: 'SELLER',
    });
    const backOrdered = (orderId: string) =>
      h!.waitFor(`order ${orderId} to be back-ordered`, async () => {
        const { rows } = await h!.test.db.query(`SELECT 1 FROM backorders WHERE order_id = $1`, [orderId]);
        return rows[0];
      });
    await backOrdered(standard.id);
    const vip = h.tiktok.createOrder(h.shop.credentials.shopId, {
      productId: product.id,
      shippingType: 'SELLER',
    });
    vipOrders.add(vip.id);
    await backOrdered(vip.id);
    // From here the test runs the steps itself, the standard order first, to show the order of service.
    await workers.stop();

    const restock = (onHand: number) =>
      h!.server.inject({
        method: 'PUT',
        url: `/api/shops/${h!.shop.credentials.shopId}/inventory/${encodeURIComponent(sku)}`,
        headers: AUTH,
        payload: { on_hand: onHand },
      });
    const step = (orderId: string) =>
      runOrderStep(h!.deps, { shop_id: h!.shop.credentials.shopId, order_id: orderId } as OrderJob);
    // Enough for either order alone, not for both: whoever is served first decides who ships.
    expect((await restock(Math.max(vip.line_items.length, standard.line_items.length))).statusCode).toBe(200);

    expect((await step(standard.id)).next).toBe('wait');
    expect(await orderRow(h, standard.id)).toMatchObject({ state: 'processing' });
    expect(await step(vip.id)).toEqual({ next: 'continue' });
    expect(await orderRow(h, vip.id)).toMatchObject({ state: 'inventory_reserved', priority: 'vip' });

    const { rows: reason } = await h.test.db.query<{ detail: { reason: string } }>(
      `SELECT detail FROM order_events WHERE order_id = $1 AND kind = 'back_ordered'`,
      [standard.id],
    );
    expect(reason).toHaveLength(1);
    expect(reason[0]?.detail.reason).toMatch(new RegExp(`not enough stock: ${sku} needs`));

    expect((await restock(vip.line_items.length + standard.line_items.length)).statusCode).toBe(200);
    expect(await step(standard.id)).toEqual({ next: 'continue' });
    expect(await orderRow(h, standard.id)).toMatchObject({ state: 'inventory_reserved' });
  });

  it('e-mails the buyer once when a shortage delays the order, however often stock is checked', async () => {
    h = await startFulfilmentHarness({ stockPerSku: 0, customerEmail: true });
    const workers = await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await h.waitFor('the order to be back-ordered', async () => {
      const { rows } = await h!.test.db.query(`SELECT 1 FROM backorders WHERE order_id = $1`, [order.id]);
      return rows[0];
    });
    await workers.stop();
    for (let check = 0; check < 3; check++) {
      const outcome = await runOrderStep(h.deps, {
        shop_id: h.shop.credentials.shopId,
        order_id: order.id,
      } as OrderJob);
      expect(outcome.next).toBe('wait');
    }
    const { rows } = await h.test.db.query<{ target: string; subject: string; cause: string }>(
      `SELECT target, subject, cause FROM notifications WHERE role = 'customer'`,
    );
    expect(rows).toEqual([
      {
        target: order.buyer_email,
        subject: 'Your order is taking a little longer',
        cause: `customer:delayed:${h.shop.credentials.shopId}:${order.id}`,
      },
    ]);
  });

  it('e-mails the buyer when the seller cancels the order, and not when buyers are not to be e-mailed', async () => {
    for (const customerEmail of [true, false]) {
      h = await startFulfilmentHarness({
        customerEmail,
        classify: () => Promise.reject(new Error('the rules service is unavailable')),
      });
      await h.start();
      const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
      await h.waitFor('the order to wait at validated', async () =>
        (await orderRow(h!, order.id))?.state === 'validated' ? true : undefined,
      );
      const res = await h.server.inject({
        method: 'POST',
        url: `/api/orders/${order.id}/cancel`,
        headers: AUTH,
        payload: {},
      });
      expect(res.statusCode).toBe(200);
      const { rows } = await h.test.db.query<{ subject: string }>(
        `SELECT subject FROM notifications WHERE role = 'customer'`,
      );
      expect(rows).toEqual(customerEmail ? [{ subject: 'Your order was cancelled' }] : []);
      await h.close();
      h = undefined;
    }
  });

  it('raises the re-orders a rule asks for, one open purchase order per SKU however many orders ask', async () => {
    h = await startFulfilmentHarness({
      classify: async () => ({
        reorders: [{ multiplier: 2.5, urgent: true, ruleId: 'restock-fast' }],
        summary: {},
      }),
    });
    await h.start();
    const product = h.shop.products.find((p) => p.skus.length === 1)!;
    const orders = [1, 2].map(() =>
      h!.tiktok.createOrder(h!.shop.credentials.shopId, { productId: product.id, shippingType: 'SELLER' }),
    );
    for (const order of orders) {
      await h.waitFor(`order ${order.id} to be processed`, async () => {
        const row = await orderRow(h!, order.id);
        return row && !['received', 'validated'].includes(row.state) ? row : undefined;
      });
    }
    const { rows } = await h.test.db.query<{ seller_sku: string; urgent: boolean }>(
      `SELECT seller_sku, urgent FROM purchase_orders WHERE status IN ('pending', 'sent')`,
    );
    expect(rows).toEqual([{ seller_sku: product.skus[0]!.sellerSku, urgent: true }]);
  });
});
