import {
  isRefusedByPolicy,
  PROVIDER_TOKENS,
  TRACKING_MEANINGS,
  type CarrierProvider,
} from '../../../integrations/carriers/index.ts';
import type { ShopCredentials } from '../../../integrations/tiktok/index.ts';
import { appendOrderEvent, SLA_MS } from '../../../orders/index.ts';
import type { StepOutcome } from '../../../queue/index.ts';
import { applyTracking } from '../apply-tracking.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';
import { moveOrder } from '../order-transitions.ts';
import type { OrderRow } from '../order-row.ts';
import { beginIntent, finishIntent } from '../step-intents.ts';
import { LEFT_THE_SELLER } from '../tiktok-order-mapping.ts';
import { labelApiNamed } from '../carrier-choice.ts';
import { matchProvider, shippingProviders } from '../shipping-providers.ts';
import { waitVisibly } from './wait-visibly.ts';

/**
 * label_generated and shipped: the tracking number goes to TikTok once (with the shipping
 * provider id TikTok knows for the order's delivery option), then the parcel is followed until it
 * is delivered. Carrier webhooks usually move it; this polls as the fallback.
 */
export async function followParcel(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  const credentials = await deps.tiktok.credentials(order.shop_id);
  if (!credentials) return waitVisibly(deps, order, `shop ${order.shop_id} is not authorised at TikTok`);
  if (order.shipping_type === 'TIKTOK') return followTiktokShipment(deps, order, credentials);
  if (order.state === 'label_generated') await pushTracking(deps, order, credentials);
  if (!order.tracking_number || !order.carrier) return pollLater(deps, order);
  const labelApi = labelApiNamed(deps, await aggregatorOf(deps, order));
  if (!labelApi) return pollLater(deps, order);

  const token = PROVIDER_TOKENS[order.carrier as CarrierProvider];
  if (!token) return pollLater(deps, order);
  const { port, policy } = labelApi;
  try {
    const tracking = await policy.execute(() => port.getTracking(token, order.tracking_number!));
    const state = await deps.db.transaction((tx) =>
      applyTracking(tx, deps, {
        shopId: order.shop_id,
        orderId: order.order_id,
        status: tracking.status,
        details: tracking.details,
        source: 'poll',
        at: new Date(deps.clock.now()),
      }),
    );
    if (state === 'delivered' || TRACKING_MEANINGS[tracking.status].orderState === 'delivered')
      return { next: 'done' };
  } catch (error) {
    if (!isRefusedByPolicy(error)) throw error;
  }
  return pollLater(deps, order);
}

async function pushTracking(
  deps: FulfilmentDeps,
  order: OrderRow,
  credentials: ShopCredentials,
): Promise<void> {
  if (!order.tracking_number || !order.carrier) return;
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const now = new Date(deps.clock.now());
  const step = `push_tracking:${order.tracking_number}`;
  const intent = await beginIntent(deps.db, {
    ...key,
    step,
    key: `tracking:${order.shop_id}:${order.tracking_number}`,
    now,
  });
  if (intent.status === 'done') return;
  if (!order.delivery_option_id)
    throw new Error('the order has no delivery_option_id to find its shipping provider');

  const providers = await shippingProviders(deps, credentials, order.delivery_option_id);
  const provider = matchProvider(providers, order.carrier);
  if (!provider) {
    throw new Error(
      `TikTok offers no shipping provider matching ${order.carrier} for delivery option ${order.delivery_option_id} (it offers ${providers.map((p) => p.name).join(', ') || 'none'})`,
    );
  }
  // A repeat after an unknown outcome reads the order first: TikTok may have taken the tracking.
  const alreadyShipped =
    intent.attempts > 1 &&
    (await deps.tiktok.orderDetail(credentials, order.order_id))?.line_items.some(
      (item) => item.tracking_number === order.tracking_number,
    );
  const packageId = alreadyShipped
    ? undefined
    : (
        await deps.tiktok.api.markPackageShipped(credentials, {
          orderId: order.order_id,
          trackingNumber: order.tracking_number,
          shippingProviderId: provider.id,
          orderLineItemIds: order.detail?.line_items.map((item) => item.id) ?? [],
        })
      ).packageId;
  await deps.db.transaction(async (tx) => {
    await finishIntent(tx, {
      ...key,
      step,
      result: { shipping_provider_id: provider.id, package_id: packageId ?? null },
      now,
    });
    await appendOrderEvent(tx, {
      ...key,
      kind: 'tracking_pushed',
      from: order.state,
      to: order.state,
      detail: {
        tracking_number: order.tracking_number,
        shipping_provider: provider.name,
        shipping_provider_id: provider.id,
        ...(packageId ? { package_id: packageId } : { found_already_at_tiktok: true }),
      },
      at: now,
    });
  });
}

/** TikTok ships it: TikTok's order status says where the parcel is. */
async function followTiktokShipment(
  deps: FulfilmentDeps,
  order: OrderRow,
  credentials: ShopCredentials,
): Promise<StepOutcome> {
  const detail = await deps.tiktok.orderDetail(credentials, order.order_id);
  if (!detail || !LEFT_THE_SELLER.has(detail.status)) return pollLater(deps, order);
  const delivered = detail.status !== 'IN_TRANSIT';
  const at = new Date(deps.clock.now());
  const key = { shopId: order.shop_id, orderId: order.order_id };
  await deps.db.transaction(async (tx) => {
    const info = { source: 'tiktok', tiktok_status: detail.status };
    if (order.state === 'label_generated')
      await moveOrder(tx, deps, { ...key, event: 'ship', detail: info, at });
    if (delivered) await moveOrder(tx, deps, { ...key, event: 'deliver', detail: info, at });
  });
  return delivered ? { next: 'done' } : pollLater(deps, order);
}

/**
 * The parcel's next check. The order met its SLA when its label was bought, so the job's deadline
 * moves to the check plus its lane's SLA: waiting for the carrier is not overdue, and the check
 * does not sort ahead of orders still racing their SLA.
 */
function pollLater(deps: FulfilmentDeps, order: OrderRow): StepOutcome {
  const until = deps.clock.now() + deps.tuning.trackingPollMs;
  return { next: 'wait', until: new Date(until), deadline: new Date(until + SLA_MS[order.priority]) };
}

/** The label API the order's live label was bought through. */
async function aggregatorOf(deps: FulfilmentDeps, order: OrderRow): Promise<string> {
  const { rows } = await deps.db.query<{ aggregator: string }>(
    `SELECT aggregator FROM labels WHERE shop_id = $1 AND order_id = $2 AND status = 'bought'
      ORDER BY created_at DESC LIMIT 1`,
    [order.shop_id, order.order_id],
  );
  return rows[0]?.aggregator ?? 'shippo';
}
