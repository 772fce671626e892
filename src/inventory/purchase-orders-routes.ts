// Purchase orders and suppliers over HTTP; auth is the caller's scope.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { parseTargets } from '../notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { closePurchaseOrder, listPurchaseOrders, setSupplier } from './purchase-orders.ts';

const listQuery = z.object({
  shop_id: z.string().trim().min(1).max(64).optional(),
  status: z.enum(['pending', 'sent', 'received', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const supplierBody = z.object({
  seller_sku: z.string().trim().max(64).default(''),
  target: z
    .string()
    .trim()
    .refine((t) => {
      const parsed = parseTargets(t);
      return parsed.ok && parsed.targets.length === 1;
    }, 'must be one mailto:address or one http(s) webhook URL'),
});

/**
 * GET /api/purchase-orders, POST /api/purchase-orders/:id/received|cancel, and
 * PUT /api/shops/:shop_id/supplier (where re-orders go; seller_sku omitted: every SKU).
 */
export function registerPurchaseOrderRoutes(
  app: FastifyInstance,
  deps: { db: Database; clock: Clock },
): void {
  app.get('/api/purchase-orders', async (request) => {
    const q = parseBody(listQuery, request.query);
    return {
      purchase_orders: await listPurchaseOrders(deps.db, {
        shopId: q.shop_id,
        status: q.status,
        limit: q.limit,
      }),
    };
  });

  app.post<{ Params: { id: string; outcome: string } }>(
    '/api/purchase-orders/:id/:outcome',
    async (request) => {
      const id = Number(request.params.id);
      const outcome =
        request.params.outcome === 'received'
          ? 'received'
          : request.params.outcome === 'cancel'
            ? 'cancelled'
            : null;
      if (!Number.isSafeInteger(id) || id <= 0)
        throw new AppError('BAD_REQUEST', `id: "${request.params.id}" is not a purchase order id`);
      if (outcome === null)
        throw new AppError('NOT_FOUND', `No action "${request.params.outcome}"; use received or cancel`);
      const order = await deps.db.transaction((tx) =>
        closePurchaseOrder(tx, { id, outcome, now: new Date(deps.clock.now()) }),
      );
      if (!order) throw new AppError('CONFLICT', `Purchase order ${id} does not exist or is already closed`);
      return { purchase_order: order };
    },
  );

  app.put<{ Params: { shop_id: string } }>('/api/shops/:shop_id/supplier', async (request) => {
    const body = parseBody(supplierBody, request.body);
    const { rows } = await deps.db.query(`SELECT 1 FROM shops WHERE shop_id = $1`, [request.params.shop_id]);
    if (rows.length === 0) throw new AppError('NOT_FOUND', `No shop ${request.params.shop_id} is registered`);
    await setSupplier(deps.db, {
      shopId: request.params.shop_id,
      sellerSku: body.seller_sku,
      target: body.target,
    });
    return { shop_id: request.params.shop_id, seller_sku: body.seller_sku, target: body.target };
  });
}
