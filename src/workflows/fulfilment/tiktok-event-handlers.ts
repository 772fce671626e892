import type { InboxEvent, InboxHandler, InboxOutcome } from '../../ingest/index.ts';
import { WEBHOOK_TYPES } from '../../integrations/tiktok/index.ts';
import { notify } from '../../notify/index.ts';
import { appendOrderEvent, type OrderState } from '../../orders/index.ts';
import { enqueueJobs } from '../../queue/index.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { moveOrder } from './order-transitions.ts';
import { syncOrderFromTiktok, type SyncResult } from './order-sync.ts';
import {
  LEFT_THE_SELLER,
  mapTiktokOrder,
  NOT_YET_SHIPPABLE,
  type MappedOrder,
} from './tiktok-order-mapping.ts';

/** A new order was stored: what viral detection needs to know about it. */
export interface NewOrder {
  readonly shopId: string;
  readonly orderId: string;
  readonly productIds: readonly string[];
  readonly at: Date;
}

export interface EventHandlerDeps extends FulfilmentDeps {
  /** Called after new orders are committed (viral detection). */
  readonly onNewOrders?: ((orders: readonly NewOrder[]) => Promise<void>) | undefined;
}

const ORDER_EVENT_TYPES: ReadonlySet<number> = new Set([
  WEBHOOK_TYPES.ORDER_STATUS_CHANGE,
  WEBHOOK_TYPES.REVERSE_STATUS_UPDATE,
  WEBHOOK_TYPES.RECIPIENT_ADDRESS_UPDATE,
  WEBHOOK_TYPES.PACKAGE_UPDATE,
  WEBHOOK_TYPES.CANCELLATION_STATUS_CHANGE,
  WEBHOOK_TYPES.RETURN_STATUS_CHANGE,
]);
const PAST_LABEL: ReadonlySet<OrderState> = new Set(['label_generated', 'shipped', 'delivered']);

/**
 * The handler for a stored TikTok event: order events re-read the order's current detail (a
 * webhook is only a signal) and store it; de-authorisation stops work for the shop; an expiring
 * authorisation alerts. Other types are stored and ignored.
 */
export function tiktokEventHandler(deps: EventHandlerDeps, event: InboxEvent): InboxHandler | undefined {
  if (event.source !== 'tiktok' || event.event_type === null) return undefined;
  if (ORDER_EVENT_TYPES.has(event.event_type)) return () => handleOrderEvent(deps, event);
  if (event.event_type === WEBHOOK_TYPES.SELLER_DEAUTHORIZATION)
    return () => handleDeauthorisation(deps, event);
  if (event.event_type === WEBHOOK_TYPES.UPCOMING_AUTHORIZATION_EXPIRATION)
    return () => handleExpiringAuthorisation(deps, event);
  return undefined;
}

/** A scalar field of the event's data as text, or the fallback. */
function textOf(data: Record<string, unknown>, field: string, fallback: string): string {
  const value = data[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

function dataOf(event: InboxEvent): Record<string, unknown> {
  const data = event.payload.data;
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

/** The orders an event is about: `order_id`, or every order of a package update. */
export function orderIdsOf(event: InboxEvent): string[] {
  const data = dataOf(event);
  if (typeof data.order_id === 'string' && data.order_id !== '') return [data.order_id];
  if (Array.isArray(data.package_list)) {
    // Entries that are not objects with an id list (a malformed payload) name no order.
    const ids = (data.package_list as unknown[]).flatMap((p) => {
      const list = p && typeof p === 'object' ? (p as { order_id_list?: unknown }).order_id_list : undefined;
      return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
    });
    return [...new Set(ids)];
  }
  return [];
}

async function handleOrderEvent(deps: EventHandlerDeps, event: InboxEvent): Promise<InboxOutcome> {
  const shopId = event.shop_id;
  if (!shopId) return 'ignored';
  const orderIds = orderIdsOf(event);
  if (orderIds.length === 0) return 'ignored';
  const credentials = await deps.tiktok.credentials(shopId);
  if (!credentials) return 'waiting_for_shop';

  const details = await Promise.all(orderIds.map((id) => deps.tiktok.orderDetail(credentials, id)));
  const missing = orderIds.filter((_, i) => details[i] === undefined);
  if (missing.length > 0)
    throw new Error(`TikTok does not know order(s) ${missing.join(', ')} yet; trying again`);

  const created: NewOrder[] = [];
  for (const detail of details) {
    const order = mapTiktokOrder(detail!);
    const now = new Date(deps.clock.now());
    const sync = await deps.db.transaction(async (tx) => {
      const result = await syncOrderFromTiktok(tx, {
        shopId,
        order,
        now,
        source: `webhook type ${event.event_type}`,
      });
      await react(deps, tx, { shopId, order, event, sync: result, now });
      return result;
    });
    if (sync.kind === 'created') {
      created.push({
        shopId,
        orderId: order.orderId,
        productIds: [...new Set(order.lines.map((l) => l.productId))],
        at: now,
      });
    }
  }
  if (created.length > 0) await deps.onNewOrders?.(created);
  return 'processed';
}

/** What a change at TikTok means for an order already moving through CreatorFlow. */
async function react(
  deps: EventHandlerDeps,
  tx: Parameters<Parameters<FulfilmentDeps['db']['transaction']>[0]>[0],
  input: { shopId: string; order: MappedOrder; event: InboxEvent; sync: SyncResult; now: Date },
): Promise<void> {
  const { shopId, order, sync, now, event } = input;
  if (sync.kind === 'stale') return;
  const key = { shopId, orderId: order.orderId };
  const state = sync.state;
  const data = dataOf(event);

  if (order.tiktokStatus === 'CANCELLED') {
    if (state === 'shipped') {
      await moveOrder(tx, deps, {
        ...key,
        event: 'cancel',
        detail: { reason: 'cancelled at TikTok after shipping', by: 'tiktok' },
        at: now,
      });
    } else if (state !== 'cancelled' && state !== 'delivered') {
      await moveOrder(tx, deps, {
        ...key,
        event: 'tiktok_cancel',
        detail: {
          reason: 'cancelled at TikTok',
          by: 'tiktok',
          ...(data.cancel_id ? { cancel_id: data.cancel_id } : {}),
          ...(typeof data.cancellations_role === 'string' ? { cancelled_by: data.cancellations_role } : {}),
        },
        at: now,
      });
    }
    return;
  }
  if (order.shippingType === 'TIKTOK' && LEFT_THE_SELLER.has(order.tiktokStatus) && PAST_LABEL.has(state)) {
    const detail = { source: 'tiktok', tiktok_status: order.tiktokStatus };
    if (state === 'label_generated') await moveOrder(tx, deps, { ...key, event: 'ship', detail, at: now });
    if (order.tiktokStatus !== 'IN_TRANSIT' && state !== 'delivered') {
      await moveOrder(tx, deps, { ...key, event: 'deliver', detail, at: now });
    }
  }
  // Payment arrived or TikTok released its hold: the order joins the queue again.
  if (
    sync.kind === 'updated' &&
    sync.statusChanged &&
    state === 'received' &&
    !NOT_YET_SHIPPABLE.has(order.tiktokStatus)
  ) {
    const { rows } = await tx.query<{
      priority: 'viral' | 'vip' | 'standard' | 'automated';
      sla_deadline: Date;
    }>(`SELECT priority, sla_deadline FROM orders WHERE shop_id = $1 AND order_id = $2`, [
      shopId,
      order.orderId,
    ]);
    const row = rows[0];
    if (row) await enqueueJobs(tx, [{ ...key, lane: row.priority, deadline: row.sla_deadline }], now);
  }
  if (
    event.event_type === WEBHOOK_TYPES.RECIPIENT_ADDRESS_UPDATE ||
    (sync.kind === 'updated' && sync.addressChanged)
  ) {
    if (PAST_LABEL.has(state)) await alertLateAddressChange(deps, tx, key, state, now);
  }
  if (event.event_type === WEBHOOK_TYPES.PACKAGE_UPDATE) {
    await appendOrderEvent(tx, {
      ...key,
      kind: 'package_changed',
      from: state,
      to: state,
      detail: { sc_type: data.sc_type ?? null, packages: order.packageIds },
      at: now,
    });
  }
  if (
    event.event_type === WEBHOOK_TYPES.RETURN_STATUS_CHANGE ||
    event.event_type === WEBHOOK_TYPES.REVERSE_STATUS_UPDATE
  ) {
    await appendOrderEvent(tx, {
      ...key,
      kind: 'return_update',
      from: state,
      to: state,
      detail: data,
      at: now,
    });
    await notify(
      tx,
      deps.routes,
      {
        cause: `return:${event.notification_id}`,
        roles: ['fulfillment_team'],
        severity: 'low',
        subject: `Order ${order.orderId}: buyer ${textOf(data, 'return_type', 'return or refund').toLowerCase()} request`,
        body: `TikTok reports a ${textOf(data, 'return_status', textOf(data, 'reverse_event_type', 'return'))} for order ${order.orderId} of shop ${shopId}. Review it in TikTok Seller Center.`,
        shopId,
      },
      now,
    );
  }
}

async function alertLateAddressChange(
  deps: EventHandlerDeps,
  tx: Parameters<Parameters<FulfilmentDeps['db']['transaction']>[0]>[0],
  key: { shopId: string; orderId: string },
  state: OrderState,
  now: Date,
): Promise<void> {
  await appendOrderEvent(tx, {
    ...key,
    kind: 'address_changed_after_label',
    from: state,
    to: state,
    detail: {
      reason:
        'the buyer changed the address after the label was bought; the parcel goes to the old one unless a person intercepts it',
    },
    at: now,
  });
  await notify(
    tx,
    deps.routes,
    {
      cause: `late-address:${key.shopId}:${key.orderId}:${now.getTime()}`,
      roles: ['fulfillment_team'],
      severity: 'high',
      subject: `Order ${key.orderId}: address changed after the label`,
      body: `The buyer of order ${key.orderId} (shop ${key.shopId}) changed the shipping address after its label was bought (${state}). Intercept or re-route the parcel with the carrier.`,
      shopId: key.shopId,
    },
    now,
  );
}

async function handleDeauthorisation(deps: EventHandlerDeps, event: InboxEvent): Promise<InboxOutcome> {
  const shopId = event.shop_id;
  if (!shopId) return 'ignored';
  const now = new Date(deps.clock.now());
  await deps.db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE shops SET status = 'deauthorized', updated_at = $2 WHERE shop_id = $1 AND status = 'active'`,
      [shopId, now],
    );
    if (rowCount === 0) return;
    await notify(
      tx,
      deps.routes,
      {
        cause: `deauthorized:${shopId}:${event.notification_id}`,
        roles: ['team_lead', 'devops'],
        severity: 'high',
        subject: `Shop ${shopId} disconnected CreatorFlow`,
        body: `TikTok says the seller de-authorised CreatorFlow for shop ${shopId} (${textOf(dataOf(event), 'message', 'no message')}). Its orders are paused. Reconnect the shop to resume them.`,
        shopId,
      },
      now,
    );
  });
  return 'processed';
}

async function handleExpiringAuthorisation(deps: EventHandlerDeps, event: InboxEvent): Promise<InboxOutcome> {
  const shopId = event.shop_id;
  if (!shopId) return 'ignored';
  const data = dataOf(event);
  const expires =
    typeof data.expiration_time === 'number' ? new Date(data.expiration_time * 1000) : undefined;
  const now = new Date(deps.clock.now());
  await notify(
    deps.db,
    deps.routes,
    {
      cause: `auth-expiring:${shopId}:${textOf(data, 'expiration_time', event.notification_id)}`,
      roles: ['team_lead', 'devops'],
      severity: 'medium',
      subject: `Shop ${shopId}: TikTok authorisation expires ${expires ? expires.toISOString().slice(0, 10) : 'soon'}`,
      body: `TikTok warns that CreatorFlow's authorisation for shop ${shopId} expires${expires ? ` on ${expires.toISOString()}` : ' soon'}. Ask the seller to re-authorise it before then, or its orders will stop.`,
      shopId,
    },
    now,
  );
  return 'processed';
}
