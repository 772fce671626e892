import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../api/parse-body.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { getShop } from '../shops/index.ts';
import { listStock, setStock } from './stock-queries.ts';

const stockInputSchema = z.object({
  on_hand: z.number().int().min(0).max(10_000_000),
  weight_oz: z.number().positive().max(100_000).optional(),
  low_stock_threshold: z.number().int().min(0).max(1_000_000).optional(),
});

const skuPattern = /^[\w.\-/ ]{1,100}$/;

/** PUT /api/shops/:shop_id/inventory/:seller_sku (stock take) and GET /api/shops/:shop_id/inventory. */
export function registerInventoryRoutes(
  app: FastifyInstance,
  deps: {
    db: Database;
    /** Called after stock of a SKU was set, so orders waiting for it can try again at once. */
    onStockChanged?: (shopId: string, sellerSkus: readonly string[]) => Promise<void>;
  },
): void {
  app.put<{ Params: { shop_id: string; seller_sku: string } }>(
    '/api/shops/:shop_id/inventory/:seller_sku',
    async (request) => {
      const { shop_id: shopId, seller_sku: sellerSku } = request.params;
      if (!skuPattern.test(sellerSku)) {
        throw new AppError('BAD_REQUEST', 'seller_sku: use 1-100 letters, digits, spaces and . _ - /');
      }
      const input = parseBody(stockInputSchema, request.body);
      await requireShop(deps.db, shopId);
      const result = await setStock(deps.db, {
        shopId,
        sellerSku,
        onHand: input.on_hand,
        weightOz: input.weight_oz,
        lowStockThreshold: input.low_stock_threshold,
      });
      if (!result.ok) {
        throw new AppError(
          'CONFLICT',
          `${result.reserved} unit(s) of ${sellerSku} are reserved for orders, so on_hand cannot go below ${result.reserved}; cancel or hold those orders first`,
          { details: { reserved: result.reserved } },
        );
      }
      await deps.onStockChanged?.(shopId, [sellerSku]);
      return result.level;
    },
  );

  app.get<{ Params: { shop_id: string } }>('/api/shops/:shop_id/inventory', async (request) => {
    await requireShop(deps.db, request.params.shop_id);
    return { items: await listStock(deps.db, request.params.shop_id) };
  });
}

async function requireShop(db: Database, shopId: string): Promise<void> {
  if (!(await getShop(db, shopId))) {
    throw new AppError(
      'NOT_FOUND',
      `No shop ${shopId} is registered; register it with POST /api/shops first`,
    );
  }
}
