// What a seller records about a buyer, which the rules read as facts: tags (vip, fraud, ...) and past fraud.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { assertShopRegistered } from '../shops/index.ts';

const TAG = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const customerBody = z.object({
  tags: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(TAG, 'a tag is 1-64 lowercase letters, digits, dot, dash, underscore or colon'),
    )
    .max(50),
  fraud_orders: z.number().int().min(0).optional(),
  note: z.string().max(1000).optional(),
});
type CustomerBody = z.infer<typeof customerBody>;

export interface CustomerView {
  shop_id: string;
  buyer_user_id: string;
  tags: string[];
  fraud_orders: number;
  note: string | null;
}

async function readCustomer(db: Database, shopId: string, buyer: string): Promise<CustomerView | undefined> {
  const { rows } = await db.query<CustomerView>(
    `SELECT c.shop_id, c.buyer_user_id, c.fraud_orders, c.note,
            coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM customer_tags t
                       WHERE t.shop_id = c.shop_id AND t.buyer_user_id = c.buyer_user_id), '{}') AS tags
       FROM customers c WHERE c.shop_id = $1 AND c.buyer_user_id = $2`,
    [shopId, buyer],
  );
  return rows[0];
}

/** Sets a buyer's tags (replacing them), past fraud count and note. */
export async function saveCustomer(
  db: Database,
  input: { shopId: string; buyerUserId: string; body: CustomerBody },
): Promise<void> {
  await db.transaction(async (tx) => {
    await assertShopRegistered(tx, input.shopId);
    await tx.query(
      `INSERT INTO customers (shop_id, buyer_user_id, fraud_orders, note) VALUES ($1, $2, coalesce($3, 0), $4)
       ON CONFLICT (shop_id, buyer_user_id) DO UPDATE
         SET fraud_orders = coalesce($3, customers.fraud_orders), note = coalesce($4, customers.note), updated_at = now()`,
      [input.shopId, input.buyerUserId, input.body.fraud_orders ?? null, input.body.note ?? null],
    );
    await tx.query(`DELETE FROM customer_tags WHERE shop_id = $1 AND buyer_user_id = $2`, [
      input.shopId,
      input.buyerUserId,
    ]);
    await tx.query(
      `INSERT INTO customer_tags (shop_id, buyer_user_id, tag)
       SELECT DISTINCT $1, $2, tag FROM unnest($3::text[]) AS tag`,
      [input.shopId, input.buyerUserId, input.body.tags],
    );
  });
}

/** PUT and GET /api/shops/:shop_id/customers/:buyer_user_id (the buyer is TikTok's user_id). */
export function registerCustomerRoutes(app: FastifyInstance, deps: { db: Database }): void {
  type Params = { Params: { shop_id: string; buyer_user_id: string } };
  app.put<Params>('/api/shops/:shop_id/customers/:buyer_user_id', async (request) => {
    const body = parseBody(customerBody, request.body);
    const { shop_id: shopId, buyer_user_id: buyerUserId } = request.params;
    await saveCustomer(deps.db, { shopId, buyerUserId, body });
    return readCustomer(deps.db, shopId, buyerUserId);
  });
  app.get<Params>('/api/shops/:shop_id/customers/:buyer_user_id', async (request) => {
    const { shop_id: shopId, buyer_user_id: buyerUserId } = request.params;
    const customer = await readCustomer(deps.db, shopId, buyerUserId);
    if (!customer)
      throw new AppError('NOT_FOUND', `Nothing is recorded about buyer ${buyerUserId} of shop ${shopId}`);
    return customer;
  });
}
