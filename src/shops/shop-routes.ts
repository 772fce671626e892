import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { parseBody } from '../shared/parse-body.ts';
import { shopInputSchema } from './shop-input.ts';
import { getShop, listShops, upsertShop } from './shop-queries.ts';

/** POST /api/shops (register or update), GET /api/shops, GET /api/shops/:shop_id. Auth is the caller's. */
export function registerShopRoutes(app: FastifyInstance, deps: { db: Database }): void {
  app.post('/api/shops', async (request, reply) => {
    const input = parseBody(shopInputSchema, request.body);
    const { shop, created } = await upsertShop(deps.db, input);
    return reply.status(created ? 201 : 200).send(shop);
  });

  app.get('/api/shops', async () => ({ shops: await listShops(deps.db) }));

  app.get<{ Params: { shop_id: string } }>('/api/shops/:shop_id', async (request) => {
    const shop = await getShop(deps.db, request.params.shop_id);
    if (!shop) throw new AppError('NOT_FOUND', `No shop ${request.params.shop_id} is registered`);
    return shop;
  });
}
