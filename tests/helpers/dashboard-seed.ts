import type { Database } from '../../src/db/index.ts';
import {
  SLA_MS,
  appendOrderEvent,
  transitionOrder,
  type OrderEvent,
  type Priority,
} from '../../src/orders/index.ts';
import { enqueueJobs } from '../../src/queue/index.ts';

/** Registers a shop directly in the database. */
export async function seedShop(db: Database, shopId = 'shop-1', name = 'Glow Labs'): Promise<void> {
  await db.query(
    `INSERT INTO shops (shop_id, shop_cipher, name) VALUES ($1, 'cipher', $2) ON CONFLICT DO NOTHING`,
    [shopId, name],
  );
}

const TO_LABEL: OrderEvent[] = ['validate', 'start_processing', 'reserve_stock', 'buy_label'];

/**
 * Stores an order received at `receivedAt` with one line and its `received` timeline entry, queues
 * it in its lane, and walks it
 * through the real transitions: `processed` orders get their label `processingMs` after receipt,
 * `failed` ones fail in processing with `errorClass`; others stay queued.
 */
export async function seedOrder(
  db: Database,
  input: {
    shopId?: string;
    orderId: string;
    priority?: Priority;
    receivedAt: Date;
    outcome?: 'queued' | 'processed' | 'failed';
    processingMs?: number;
    amount?: number;
    errorClass?: string;
  },
): Promise<void> {
  const shopId = input.shopId ?? 'shop-1';
  const priority = input.priority ?? 'standard';
  const key = { shopId, orderId: input.orderId };
  const deadline = new Date(input.receivedAt.getTime() + SLA_MS[priority]);
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO orders (shop_id, order_id, priority, received_at, sla_deadline, currency, total_amount)
       VALUES ($1, $2, $3, $4, $5, 'USD', $6)`,
      [shopId, input.orderId, priority, input.receivedAt, deadline, input.amount ?? 25],
    );
    await tx.query(
      `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, quantity, unit_price, received_at)
       VALUES ($1, $2, 'sku-1', 'GLOW-SERUM', 1, $3, $4)`,
      [shopId, input.orderId, input.amount ?? 25, input.receivedAt],
    );
    // As the workflow's order sync records a newly stored order.
    await appendOrderEvent(tx, {
      ...key,
      kind: 'received',
      from: null,
      to: 'received',
      detail: { source: 'webhook', tiktok_status: 'AWAITING_SHIPMENT' },
      at: input.receivedAt,
    });
    await enqueueJobs(tx, [{ ...key, lane: priority, deadline }], input.receivedAt);
    const outcome = input.outcome ?? 'queued';
    if (outcome === 'queued') return;
    const doneAt = new Date(input.receivedAt.getTime() + (input.processingMs ?? 5_000));
    const events: OrderEvent[] =
      outcome === 'processed' ? TO_LABEL : ['validate', 'start_processing', 'fail'];
    for (const [i, event] of events.entries()) {
      const last = i === events.length - 1;
      const at = last ? doneAt : new Date(input.receivedAt.getTime() + i + 1);
      const detail =
        event === 'fail' ? { error: 'carrier refused', error_class: input.errorClass ?? 'permanent' } : {};
      const result = await transitionOrder(tx, { ...key, event, detail, at });
      if (!result.ok) throw new Error(`seeding ${input.orderId}: ${event} refused: ${result.reason}`);
    }
    await tx.query(`DELETE FROM order_jobs WHERE shop_id = $1 AND order_id = $2`, [shopId, input.orderId]);
  });
}
