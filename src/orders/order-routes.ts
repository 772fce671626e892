import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { getOrderDetail, listOrders, type OrderCursor } from './order-queries.ts';
import { ORDER_STATES, PRIORITIES } from './states.ts';

const listQuerySchema = z.object({
  state: z.enum(ORDER_STATES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  shop_id: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** GET /api/orders (newest first, filters, cursor) and GET /api/orders/:order_id. Auth is the caller's. */
export function registerOrderRoutes(app: FastifyInstance, deps: { db: Database }): void {
  app.get('/api/orders', async (request) => {
    const query = parseBody(listQuerySchema, request.query);
    const page = await listOrders(deps.db, {
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.priority ? { priority: query.priority } : {}),
      ...(query.shop_id ? { shopId: query.shop_id } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    });
    return { orders: page.orders, next_cursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get<{ Params: { order_id: string } }>('/api/orders/:order_id', async (request) => {
    const order = await getOrderDetail(deps.db, request.params.order_id);
    if (!order) throw new AppError('NOT_FOUND', `No order ${request.params.order_id} is stored`);
    return order;
  });
}

function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(`${cursor.receivedAt.toISOString()}|${cursor.orderId}`).toString('base64url');
}

function decodeCursor(text: string): OrderCursor {
  const [at, orderId] = Buffer.from(text, 'base64url').toString('utf8').split('|', 2);
  const receivedAt = new Date(at ?? '');
  if (!orderId || Number.isNaN(receivedAt.getTime())) {
    throw new AppError('BAD_REQUEST', 'cursor: use the next_cursor value of the previous page as it is');
  }
  return { receivedAt, orderId };
}
