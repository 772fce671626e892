import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { getShop } from '../shops/index.ts';
import { importStock, parseStockCsv } from './stock-import.ts';
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

  // A whole catalogue as CSV (text/csv): all rows or none, every problem listed with its line.
  app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 },
      (_req, body, next) => next(null, body),
    );
    scope.post<{ Params: { shop_id: string } }>('/api/shops/:shop_id/inventory/import', async (request) => {
      const shopId = request.params.shop_id;
      await requireShop(deps.db, shopId);
      if (typeof request.body !== 'string') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the catalogue as Content-Type: text/csv');
      }
      const parsed = parseStockCsv(request.body);
      if (!parsed.ok) {
        throw new AppError(
          'BAD_REQUEST',
          `The CSV has ${parsed.problems.length} problem(s): ${parsed.problems.slice(0, 20).join('; ')}`,
          {
            details: { problems: parsed.problems },
          },
        );
      }
      const result = await importStock(deps.db, shopId, parsed.rows);
      if (!result.ok) {
        throw new AppError('CONFLICT', `Nothing was imported: ${result.problems.slice(0, 20).join('; ')}`, {
          details: { problems: result.problems },
        });
      }
      await deps.onStockChanged?.(
        shopId,
        parsed.rows.map((r) => r.sellerSku),
      );
      return { imported: parsed.rows.length, created: result.created, updated: result.updated };
    });
    done();
  });

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
