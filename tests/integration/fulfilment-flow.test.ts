import { afterEach, describe, expect, it } from 'vitest';
import { startFulfilmentHarness, type FulfilmentHarness } from '../helpers/fulfilment-harness.ts';

const DAY_MS = 86_400_000;
let h: FulfilmentHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function timeline(harness: FulfilmentHarness, orderId: string) {
  const { rows } = await harness.test.db.query<{
    kind: string;
    from_state: string | null;
    to_state: string | null;
    detail: Record<string, unknown>;
  }>(`SELECT kind, from_state, to_state, detail FROM order_events WHERE order_id = $1 ORDER BY id`, [
    orderId,
  ]);
  return rows;
}

function reached(harness: FulfilmentHarness, orderId: string, states: readonly string[]) {
  return harness.waitFor(`order ${orderId} to reach ${states.join(' or ')}`, async () => {
    const state = await harness.orderState(orderId);
    return state !== undefined && states.includes(state) ? state : undefined;
  });
}

describe('an order through both simulators', () => {
  it('goes from a signed webhook to delivered, with one label, tracking at TikTok and every step in its timeline', async () => {
    h = await startFulfilmentHarness();
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });

    await reached(h, order.id, ['label_generated', 'shipped', 'delivered']);
    await h.waitFor('tracking pushed to TikTok', async () =>
      h!.tiktok.shipments.find((s) => s.orderId === order.id),
    );
    await h.carrier.advance(10 * DAY_MS);
    await reached(h, order.id, ['delivered']);

    const events = await timeline(h, order.id);
    const path = events.filter((e) => e.kind === 'transition').map((e) => e.to_state);
    expect(path).toEqual([
      'validated',
      'processing',
      'inventory_reserved',
      'label_generated',
      'shipped',
      'delivered',
    ]);
    expect(events[0]?.kind).toBe('received');
    expect(events.some((e) => e.kind === 'tracking_pushed')).toBe(true);

    const { rows: labels } = await h.test.db.query<{
      idempotency_key: string;
      tracking_number: string;
      provider: string;
    }>(`SELECT idempotency_key, tracking_number, provider FROM labels WHERE order_id = $1`, [order.id]);
    expect(labels).toHaveLength(1);
    expect(h.carrier.purchasesFor(labels[0]!.idempotency_key)).toHaveLength(1);
    const shipment = h.tiktok.shipments.find((s) => s.orderId === order.id)!;
    expect(shipment.trackingNumber).toBe(labels[0]!.tracking_number);

    const { rows: stock } = await h.test.db.query<{ status: string }>(
      `SELECT DISTINCT status FROM stock_reservations WHERE order_id = $1`,
      [order.id],
    );
    expect(stock).toEqual([{ status: 'consumed' }]);
  });

  it('keeps one order and one label when TikTok repeats and reorders its webhooks', async () => {
    h = await startFulfilmentHarness({ tiktokKnobs: { duplicateRate: 1, reorderRate: 0.5 } });
    await h.start();
    const orders = Array.from({ length: 5 }, () =>
      h!.tiktok.createOrder(h!.shop.credentials.shopId, { shippingType: 'SELLER' }),
    );
    for (const order of orders) await reached(h, order.id, ['label_generated', 'shipped', 'delivered']);
    await h.tiktok.webhooksIdle();

    const { rows } = await h.test.db.query<{ order_id: string; labels: number; received: number }>(
      `SELECT o.order_id,
              (SELECT count(*)::int FROM labels l WHERE l.order_id = o.order_id) AS labels,
              (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.order_id AND e.kind = 'received') AS received
         FROM orders o ORDER BY o.order_id`,
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.labels === 1 && r.received === 1)).toBe(true);
    expect(h.tiktok.counters.webhooksDuplicated).toBeGreaterThan(0);
  });

  it('ships nothing while the buyer has not paid, and proceeds once TikTok says the order is paid', async () => {
    h = await startFulfilmentHarness();
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, {
      status: 'UNPAID',
      shippingType: 'SELLER',
    });
    await h.waitFor('the unpaid order to be seen waiting', async () =>
      (await timeline(h!, order.id)).find((e) => e.kind === 'waiting_at_tiktok'),
    );
    expect(await h.orderState(order.id)).toBe('received');

    h.tiktok.setOrderStatus(order.id, 'AWAITING_SHIPMENT');
    await reached(h, order.id, ['label_generated', 'shipped']);
  });

  it('voids the label and releases the stock when TikTok cancels the order after the label was bought', async () => {
    h = await startFulfilmentHarness();
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await reached(h, order.id, ['label_generated']);

    // TikTok cancels a seller-shipped order the carrier never scanned, whatever it was told.
    h.tiktok.setOrderStatus(order.id, 'CANCELLED');
    await reached(h, order.id, ['cancelled']);
    const voided = await h.waitFor('the label to be voided', async () => {
      const { rows } = await h!.test.db.query<{ status: string }>(
        `SELECT status FROM labels WHERE order_id = $1 AND status = 'voided'`,
        [order.id],
      );
      return rows[0];
    });
    expect(voided.status).toBe('voided');
    const { rows: stock } = await h.test.db.query<{ status: string }>(
      `SELECT DISTINCT status FROM stock_reservations WHERE order_id = $1`,
      [order.id],
    );
    expect(stock).toEqual([{ status: 'released' }]);
    const kinds = (await timeline(h, order.id)).map((e) => e.kind);
    expect(kinds).toContain('compensated');
  });

  it('hands TikTok-shipped orders to TikTok and follows TikTok to delivered', async () => {
    h = await startFulfilmentHarness();
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'TIKTOK' });
    await reached(h, order.id, ['label_generated']);
    expect(h.tiktok.shipments.find((s) => s.orderId === order.id)).toBeDefined();
    const { rows } = await h.test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM labels`);
    expect(rows[0]?.n).toBe(0);
    // Its SLA was met with the label: waiting for the pickup, its job's deadline is the next check's.
    await h.waitFor('the job to wait for the pickup under a deadline past the SLA', async () => {
      const { rows: waiting } = await h!.test.db.query(
        `SELECT 1 FROM order_jobs j JOIN orders o USING (shop_id, order_id)
          WHERE j.order_id = $1 AND j.locked_by IS NULL AND j.deadline > o.sla_deadline`,
        [order.id],
      );
      return waiting[0];
    });

    h.tiktok.setOrderStatus(order.id, 'IN_TRANSIT');
    await reached(h, order.id, ['shipped']);
    h.tiktok.setOrderStatus(order.id, 'DELIVERED');
    await reached(h, order.id, ['delivered']);
  });

  it('lets orders wait out a carrier outage and finishes each with exactly one label after recovery', async () => {
    h = await startFulfilmentHarness({ carrierKnobs: { outage: true } });
    await h.start();
    const orders = Array.from({ length: 4 }, () =>
      h!.tiktok.createOrder(h!.shop.credentials.shopId, { shippingType: 'SELLER' }),
    );
    await h.waitFor('orders to be waiting for the carrier', async () => {
      const { rows } = await h!.test.db.query<{ n: number }>(
        `SELECT count(DISTINCT order_id)::int AS n FROM order_events WHERE kind = 'waiting' AND detail->>'reason' LIKE '%circuit is open%'`,
      );
      return (rows[0]?.n ?? 0) > 0 ? true : undefined;
    });
    h.carrier.knobs.outage = false;
    for (const order of orders) await reached(h, order.id, ['label_generated', 'shipped', 'delivered']);

    const { rows } = await h.test.db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM orders GROUP BY state`,
    );
    expect(rows.find((r) => r.state === 'failed')).toBeUndefined();
    for (const order of orders) {
      const { rows: labels } = await h.test.db.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM labels WHERE order_id = $1`,
        [order.id],
      );
      expect(labels).toHaveLength(1);
      expect(h.carrier.purchasesFor(labels[0]!.idempotency_key)).toHaveLength(1);
    }
  });

  it('alerts a person when the address changes after the label, and never for status changes alone', async () => {
    h = await startFulfilmentHarness();
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await reached(h, order.id, ['label_generated']);
    await h.waitFor('tracking at TikTok', async () =>
      h!.tiktok.shipments.find((s) => s.orderId === order.id),
    );
    // TikTok's status moves on after the tracking push; that is not an address change.
    h.tiktok.setOrderStatus(order.id, 'AWAITING_COLLECTION');
    await h.tiktok.webhooksIdle();
    await h.waitFor('the status change to be stored', async () =>
      (await timeline(h!, order.id)).find(
        (e) => e.kind === 'tiktok_updated' && JSON.stringify(e.detail).includes('AWAITING_COLLECTION'),
      ),
    );
    expect((await timeline(h, order.id)).filter((e) => e.kind === 'address_changed_after_label')).toEqual([]);

    h.tiktok.updateAddress(order.id);
    const alert = await h.waitFor('the late address change to be flagged', async () =>
      (await timeline(h!, order.id)).find((e) => e.kind === 'address_changed_after_label'),
    );
    expect(alert.detail.reason).toMatch(/after the label/);
  });

  it('pushes the stock an order leaves back to TikTok, one call for the product', async () => {
    h = await startFulfilmentHarness({ stockPerSku: 40 });
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await reached(h, order.id, ['label_generated', 'shipped']);
    const line = order.line_items[0]!;
    const units = order.line_items.filter((item) => item.sku_id === line.sku_id).length;
    const update = await h.waitFor('TikTok to get the new count', async () =>
      h!.tiktok.inventoryUpdates.find(
        (u) => u.productId === line.product_id && u.skus.some((s) => s.id === line.sku_id),
      ),
    );
    const sku = update.skus.find((s) => s.id === line.sku_id)!;
    expect(sku.inventory).toEqual([{ warehouse_id: order.warehouse_id, quantity: 40 - units }]);
  });

  it('reaches delivered once when the carrier repeats and reorders its tracking webhooks', async () => {
    h = await startFulfilmentHarness({ carrierKnobs: { duplicateWebhooks: true, reorderWebhooks: true } });
    await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await reached(h, order.id, ['label_generated', 'shipped', 'delivered']);
    await h.carrier.advance(10 * DAY_MS);
    await reached(h, order.id, ['delivered']);
    await h.carrier.advance(DAY_MS);
    const transitions = (await timeline(h, order.id))
      .filter((e) => e.kind === 'transition')
      .map((e) => e.to_state);
    expect(transitions.filter((t) => t === 'shipped')).toHaveLength(1);
    expect(transitions.filter((t) => t === 'delivered')).toHaveLength(1);
    expect(transitions.at(-1)).toBe('delivered');
    const refused = (await timeline(h, order.id)).filter((e) => e.kind === 'transition_refused');
    expect(refused).toEqual([]);
  });

  it('fails over to the second label API while the first is down, buying each label once, through one API', async () => {
    h = await startFulfilmentHarness({ fallback: true, carrierKnobs: { outage: true } });
    await h.start();
    const orders = Array.from({ length: 3 }, () =>
      h!.tiktok.createOrder(h!.shop.credentials.shopId, { shippingType: 'SELLER' }),
    );
    for (const order of orders) await reached(h, order.id, ['label_generated', 'shipped', 'delivered']);

    const { rows } = await h.test.db.query<{ order_id: string; idempotency_key: string; aggregator: string }>(
      `SELECT order_id, idempotency_key, aggregator FROM labels ORDER BY order_id`,
    );
    expect(rows).toHaveLength(3);
    for (const label of rows) {
      expect(label.aggregator).toBe('easypost');
      expect(h.fallback!.purchasesFor(label.idempotency_key)).toHaveLength(1);
      expect(h.carrier.purchasesFor(label.idempotency_key)).toHaveLength(0);
    }
    const events = await timeline(h, orders[0]!.id);
    const bought = events.find((e) => e.to_state === 'label_generated')!;
    expect(bought.detail).toMatchObject({
      label_api: 'easypost',
      failover: expect.stringMatching(/shippo is unavailable/),
    });
  });
});
