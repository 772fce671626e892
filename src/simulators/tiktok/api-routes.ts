import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TIKTOK_ORDER_STATUSES } from '../../integrations/tiktok/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { DELIVERY_OPTIONS } from './catalog.ts';
import { sendData, sendError } from './envelope.ts';
import type { SimErrorName } from './error-codes.ts';
import type { TiktokSimulatorKnobs } from './knobs.ts';
import type { SimOrderBook } from './order-book.ts';
import { guardRequest, isGuardFailure, type GuardedRequest } from './request-guard.ts';
import type { SimRandom } from './random.ts';
import type { SimAccounts, SimShop, TiktokSimCounters } from './sim-state.ts';

export interface ApiRouteDeps {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accounts: SimAccounts;
  readonly book: SimOrderBook;
  readonly knobs: TiktokSimulatorKnobs;
  readonly counters: TiktokSimCounters;
  readonly clock: Clock;
  /** Randomness of injected faults (kept apart from order generation). */
  readonly faults: SimRandom;
}

const MAX_IDS = 50;

const searchBody = z.object({
  order_status: z.enum(TIKTOK_ORDER_STATUSES).optional(),
  create_time_ge: z.number().int().optional(),
  create_time_lt: z.number().int().optional(),
  update_time_ge: z.number().int().optional(),
  update_time_lt: z.number().int().optional(),
});
const markShippedBody = z.object({
  tracking_number: z.string().min(1),
  shipping_provider_id: z.string().min(1),
  order_line_item_ids: z.array(z.string()).default([]),
});
const shipPackageBody = z.object({
  handover_method: z.string().optional(),
  self_shipment: z
    .object({ tracking_number: z.string().min(1), shipping_provider_id: z.string().min(1) })
    .optional(),
});
const cancelBody = z.object({ order_id: z.string().min(1), cancel_reason: z.string().min(1) });
const inventoryBody = z.object({
  skus: z
    .array(
      z.object({
        id: z.string().min(1),
        inventory: z
          .array(z.object({ warehouse_id: z.string().min(1), quantity: z.number().int().nonnegative() }))
          .min(1),
      }),
    )
    .min(1),
});

type Handler = (ctx: {
  request: FastifyRequest;
  guarded: GuardedRequest;
  shop: SimShop;
  body: unknown;
}) => { data: unknown } | { error: SimErrorName; message?: string | undefined };

/** The Open API paths: every request passes the knobs (throttle, errors) and the guard first. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): void {
  const now = (): number => deps.clock.now();

  function route(method: 'GET' | 'POST', url: string, shopScoped: boolean, handler: Handler): void {
    app.route({
      method,
      url,
      handler: async (request, reply) => serve(request, reply, shopScoped, handler),
    });
  }

  function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    shopScoped: boolean,
    handler: Handler,
  ): FastifyReply {
    if (deps.knobs.throttleNext > 0 || deps.faults.chance(deps.knobs.throttleRate)) {
      if (deps.knobs.throttleNext > 0) deps.knobs.throttleNext -= 1;
      deps.counters.throttled += 1;
      return sendError(reply, now(), 'THROTTLED', undefined, deps.knobs.retryAfterSeconds);
    }
    if (deps.knobs.errorNext > 0 || deps.faults.chance(deps.knobs.errorRate)) {
      if (deps.knobs.errorNext > 0) deps.knobs.errorNext -= 1;
      deps.counters.injectedErrors += 1;
      return sendError(reply, now(), 'INTERNAL');
    }
    const rawBody = typeof request.body === 'string' ? request.body : undefined;
    const header = request.headers['x-tts-access-token'];
    const guarded = guardRequest(
      { url: request.url, rawBody, accessToken: Array.isArray(header) ? header[0] : header, shopScoped },
      deps,
    );
    if (isGuardFailure(guarded)) {
      deps.counters.rejected += 1;
      return sendError(reply, now(), guarded.error, guarded.detail);
    }
    let body: unknown;
    if (rawBody !== undefined && rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return sendError(reply, now(), 'INVALID_PARAMETER', 'body is not JSON');
      }
    }
    const result = handler({ request, guarded, shop: guarded.shop as SimShop, body });
    if ('error' in result) return sendError(reply, now(), result.error, result.message);
    return sendData(reply, now(), result.data);
  }

  function parse<T>(
    schema: z.ZodType<T>,
    body: unknown,
  ): { value: T } | { error: 'INVALID_PARAMETER'; message: string } {
    const result = schema.safeParse(body ?? {});
    if (result.success) return { value: result.data };
    const issue = result.error.issues[0];
    return {
      error: 'INVALID_PARAMETER',
      message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    };
  }

  route('GET', '/authorization/202309/shops', false, ({ guarded }) => ({
    data: { shops: deps.accounts.authorizedShops(guarded.shopIds) },
  }));

  route('GET', '/order/202309/orders', true, ({ guarded, shop }) => {
    const ids = (guarded.query.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0) return { error: 'INVALID_PARAMETER', message: 'ids is required' };
    if (ids.length > MAX_IDS)
      return { error: 'INVALID_PARAMETER', message: `at most ${MAX_IDS} ids (got ${ids.length})` };
    const orders = ids.flatMap((id) => {
      const entry = deps.book.get(id);
      return entry && entry.shopId === shop.id ? [structuredClone(entry.order)] : [];
    });
    return { data: { orders } };
  });

  route('POST', '/order/202309/orders/search', true, ({ guarded, shop, body }) => {
    const size = Number(guarded.query.get('page_size'));
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      return { error: 'INVALID_PARAMETER', message: 'page_size must be 1..100' };
    }
    const filter = parse(searchBody, body);
    if ('error' in filter) return filter;
    const page = deps.book.search(shop.id, filter.value, size, guarded.query.get('page_token') || undefined);
    return 'error' in page ? page : { data: page };
  });

  route('GET', '/logistics/202309/delivery_options/:id/shipping_providers', true, ({ request }) => {
    const { id } = request.params as { id: string };
    const option = DELIVERY_OPTIONS.find((d) => d.id === id);
    if (!option) return { error: 'NOT_FOUND', message: `delivery option ${id} not found` };
    return { data: { shipping_providers: option.providers } };
  });

  route('POST', '/fulfillment/202309/orders/:orderId/packages', true, ({ request, shop, body }) => {
    const input = parse(markShippedBody, body);
    if ('error' in input) return input;
    const result = deps.book.markShipped(shop, (request.params as { orderId: string }).orderId, input.value);
    return 'error' in result ? result : { data: { package_id: result.packageId } };
  });

  route('POST', '/fulfillment/202309/packages/:packageId/ship', true, ({ request, shop, body }) => {
    const input = parse(shipPackageBody, body);
    if ('error' in input) return input;
    const result = deps.book.shipPackage(
      shop,
      (request.params as { packageId: string }).packageId,
      input.value,
    );
    return 'error' in result ? result : { data: {} };
  });

  route('POST', '/return_refund/202309/cancellations', true, ({ shop, body }) => {
    const input = parse(cancelBody, body);
    if ('error' in input) return input;
    const result = deps.book.sellerCancel(shop, input.value.order_id, input.value.cancel_reason);
    return 'error' in result
      ? result
      : { data: { cancel_id: result.cancelId, cancel_status: 'CANCELLATION_REQUEST_COMPLETE' } };
  });

  route('POST', '/product/202309/products/:productId/inventory/update', true, ({ request, shop, body }) => {
    const input = parse(inventoryBody, body);
    if ('error' in input) return input;
    const result = deps.book.updateInventory(
      shop,
      (request.params as { productId: string }).productId,
      input.value.skus,
    );
    return 'error' in result ? result : { data: {} };
  });
}
