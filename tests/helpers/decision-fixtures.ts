// Test fixtures for rules, signals and spikes: shops, orders with lines, queued jobs, the HTTP app.
import type { FastifyInstance } from 'fastify';
import { registerOperatorApi } from '../../src/api/operator-api.ts';
import { buildServer } from '../../src/api/server.ts';
import type { Database, Queryable } from '../../src/db/index.ts';
import { registerDemandRoutes } from '../../src/demand/index.ts';
import { registerPurchaseOrderRoutes } from '../../src/inventory/index.ts';
import { registerRuleRoutes } from '../../src/rules/index.ts';
import { registerCustomerRoutes } from '../../src/customers/index.ts';
import { registerProductRoutes } from '../../src/products/index.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { registerSpikeRoutes } from '../../src/viral/index.ts';
import { migrations } from './test-database.ts';
import { TEST_ADMIN_TOKEN } from './test-server.ts';

/** The operator API with the rules, signals, customers, spikes and purchase-order routes. */
export async function buildDecisionServer(db: Database, clock: Clock): Promise<FastifyInstance> {
  return buildServer({ log: createLogger('silent'), db, migrations, metrics: createMetrics() }, [
    (app) =>
      registerOperatorApi(app, { adminToken: TEST_ADMIN_TOKEN, keys: db }, [
        (scope) => registerRuleRoutes(scope, { db, clock }),
        (scope) => registerCustomerRoutes(scope, { db }),
        (scope) => registerProductRoutes(scope, { db }),
        (scope) => registerDemandRoutes(scope, { db, clock }),
        (scope) => registerSpikeRoutes(scope, { db }),
        (scope) => registerPurchaseOrderRoutes(scope, { db, clock }),
      ]),
  ]);
}

export async function insertShop(db: Queryable, shopId: string): Promise<void> {
  await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ($1, 'cipher') ON CONFLICT DO NOTHING`, [
    shopId,
  ]);
}

export interface TestOrder {
  shopId: string;
  orderId: string;
  at: Date;
  value?: number;
  buyer?: string | null;
  state?: string;
  recipient?: Record<string, unknown>;
  lines?: { sku: string; productId: string; quantity?: number }[];
  /** Queue a job for it in this lane. */
  queued?: 'viral' | 'vip' | 'standard' | 'automated';
}

/** Stores orders with their lines (and, when asked, a queued job) as the intake would. */
export async function insertOrders(db: Queryable, orders: readonly TestOrder[]): Promise<void> {
  for (const o of orders) {
    await db.query(
      `INSERT INTO orders (shop_id, order_id, state, received_at, sla_deadline, buyer_user_id, total_amount, recipient, shipping_type)
       VALUES ($1, $2, $3, $4, $4::timestamptz + interval '3 minutes', $5, $6, $7, 'SELLER')`,
      [
        o.shopId,
        o.orderId,
        o.state ?? 'received',
        o.at,
        o.buyer === undefined ? 'buyer-1' : o.buyer,
        o.value ?? 20,
        JSON.stringify(o.recipient ?? { state: 'CA', zip: '94103', country: 'US' }),
      ],
    );
    for (const l of o.lines ?? [{ sku: 'MUG-RED', productId: 'p-mug' }]) {
      await db.query(
        `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, quantity, received_at)
         VALUES ($1, $2, $3, $3, $4, $5, $6)`,
        [o.shopId, o.orderId, l.sku, l.productId, l.quantity ?? 1, o.at],
      );
    }
    if (o.queued)
      await db.query(
        `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at) VALUES ($1, $2, $3, $4, $4)`,
        [o.shopId, o.orderId, o.queued, new Date(o.at.getTime() + 180_000)],
      );
  }
}
