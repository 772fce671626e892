// What a seller records about a product, which the rules read as facts: its category.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { assertShopRegistered } from '../shops/index.ts';

const productBody = z.object({ category: z.string().trim().toLowerCase().min(1).max(64) });

interface ProductView {
  shop_id: string;
  product_id: string;
  category: string;
  updated_at: Date;
}

/** PUT and GET /api/shops/:shop_id/products/:product_id (TikTok's product id): `{category}`. */
export function registerProductRoutes(app: FastifyInstance, deps: { db: Database }): void {
  type Params = { Params: { shop_id: string; product_id: string } };
  app.put<Params>('/api/shops/:shop_id/products/:product_id', async (request) => {
    const body = parseBody(productBody, request.body);
    await assertShopRegistered(deps.db, request.params.shop_id);
    const { rows } = await deps.db.query<ProductView>(
      `INSERT INTO product_profiles (shop_id, product_id, category) VALUES ($1, $2, $3)
       ON CONFLICT (shop_id, product_id) DO UPDATE SET category = excluded.category, updated_at = now()
       RETURNING shop_id, product_id, category, updated_at`,
      [request.params.shop_id, request.params.product_id, body.category],
    );
    return rows[0];
  });
  app.get<Params>('/api/shops/:shop_id/products/:product_id', async (request) => {
    const { rows } = await deps.db.query<ProductView>(
      `SELECT shop_id, product_id, category, updated_at FROM product_profiles WHERE shop_id = $1 AND product_id = $2`,
      [request.params.shop_id, request.params.product_id],
    );
    if (!rows[0])
      throw new AppError('NOT_FOUND', `Nothing is recorded about product ${request.params.product_id}`);
    return rows[0];
  });
}
