import type { Queryable } from '../../../db/index.ts';
import {
  buyResiliently,
  isRefusedByPolicy,
  type Address,
  type LabelTransaction,
  type Rate,
} from '../../../integrations/carriers/index.ts';
import { notify } from '../../../notify/index.ts';
import { appendOrderEvent } from '../../../orders/index.ts';
import type { StepOutcome } from '../../../queue/index.ts';
import { sleep } from '../../../shared/sleep.ts';
import { buildParcel, selectRate, type OnTimeRecord, type RateStrategy } from '../../../shipping/index.ts';
import type { CarrierAccess, FulfilmentDeps } from '../fulfilment-deps.ts';
import { moveOrder } from '../order-transitions.ts';
import { loadLines, type OrderRow } from '../order-row.ts';
import { beginIntent, finishIntent } from '../step-intents.ts';
import { matchProvider, shippingProviders } from '../shipping-providers.ts';
import { chooseCarrier, labelApis } from '../carrier-choice.ts';
import { shipWithTiktok } from './ship-with-tiktok.ts';
import { waitVisibly } from './wait-visibly.ts';

/**
 * inventory_reserved → label_generated. TikTok-shipped orders hand the package to TikTok; the
 * others get a carrier label: the address is checked, rates are shopped against the order's
 * delivery deadline and the carriers' on-time record, and the chosen rate is bought at most once
 * (the intent is committed first; a repeat looks for the earlier purchase before buying).
 * While the carrier's breaker is open the order waits instead of failing.
 */
export async function buyLabel(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  if (order.shipping_type === 'TIKTOK') return shipWithTiktok(deps, order);
  const now = new Date(deps.clock.now());
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const apis = labelApis(deps);
  if (apis.length === 0)
    return waitVisibly(deps, order, 'no carrier API is configured: set SHIPPO_API_TOKEN');
  if (!order.ship_from) return waitVisibly(deps, order, `shop ${order.shop_id} has no ship_from address`);
  if (!order.recipient) throw new Error('the order has no recipient address');
  const generation = await labelGeneration(deps.db, key);
  const step = `buy_label#${generation}`;
  const idempotencyKey = `label:${order.shop_id}:${order.order_id}:${generation}`;
  const intent = await beginIntent(deps.db, { ...key, step, key: idempotencyKey, now });
  const attempted = Array.isArray(intent.result?.attempted) ? (intent.result.attempted as string[]) : [];
  const choice = chooseCarrier(apis, attempted);
  if (!choice.ok) return waitVisibly(deps, order, choice.reason);
  const carrier = choice.carrier;
  try {
    const to = await checkedAddress(deps, carrier, order, order.recipient);
    if (!to) return { next: 'done' };
    const lines = await loadLines(deps.db, key);
    const plan = buildParcel(
      lines.map((l) => ({
        sellerSku: l.seller_sku,
        quantity: l.quantity,
        weightOz: l.weight_oz ?? undefined,
      })),
      deps.tuning.box,
    );
    const { port, policy } = carrier;
    // EasyPost keeps our key on the shipment (its reference): the label key must travel there too.
    const shipment = { from: order.ship_from, to, parcel: plan.parcel, metadata: idempotencyKey };
    const quote = await policy.execute(() => port.getRates(shipment));
    const accepted = await acceptedByTiktok(deps, order, quote.rates);
    const decision = order.rules_decision ?? {};
    const selection = selectRate({
      rates: accepted.rates,
      now: now.getTime(),
      deadline: order.deliver_by?.getTime(),
      strategy: (decision.strategy as RateStrategy | undefined) ?? 'best_value',
      override: {
        provider: typeof decision.carrier === 'string' ? decision.carrier : undefined,
        serviceToken: typeof decision.service === 'string' ? decision.service : undefined,
      },
      onTime: await onTimeRecords(deps.db),
    });
    if (!selection.ok) {
      const messages = quote.messages.map((m) => `${m.source}: ${m.text}`).join('; ');
      throw new Error(`no usable rate: ${selection.reason}${messages ? ` (${messages})` : ''}`);
    }
    // Before the first call that may buy, the API it goes to is committed: a retry goes there too.
    if (!attempted.includes(port.name)) await recordAttempt(deps.db, key, step, [...attempted, port.name]);
    const bought = await buyResiliently(
      port,
      policy,
      { rateId: selection.chosen.rateId, shipmentId: selection.chosen.shipmentId, metadata: idempotencyKey },
      intent.attempts > 1,
    );
    const label = await settled(carrier, bought);
    await deps.db.transaction(async (tx) => {
      await recordLabel(tx, order, idempotencyKey, port.name, selection.chosen, label);
      await finishIntent(tx, {
        ...key,
        step,
        result: { transaction_id: label.transactionId, aggregator: port.name, attempted: [port.name] },
        now,
      });
      await moveOrder(tx, deps, {
        ...key,
        event: 'buy_label',
        detail: {
          carrier: selection.chosen.provider,
          service: selection.chosen.serviceName,
          amount: `${selection.chosen.amount} ${selection.chosen.currency}`,
          estimated_days: selection.chosen.estimatedDays ?? null,
          tracking_number: label.trackingNumber ?? null,
          why: selection.reason,
          label_api: port.name,
          ...(choice.failover
            ? { failover: `${apis[0]!.port.name} is unavailable; bought through ${port.name}` }
            : {}),
          ...(accepted.note ? { tiktok_providers: accepted.note } : {}),
          rates_considered: quote.rates.length,
          ...(bought.reused ? { reused_earlier_purchase: true } : {}),
          ...(plan.estimatedSkus.length > 0 ? { weight_estimated_for: plan.estimatedSkus } : {}),
        },
        at: now,
      });
    });
    return { next: 'continue' };
  } catch (error) {
    if (!isRefusedByPolicy(error)) throw error;
    return waitVisibly(
      deps,
      order,
      `the ${carrier.port.name} circuit is open: carrier calls pause until it recovers`,
    );
  }
}

/**
 * Only carriers TikTok offers for the order's delivery option can carry it: tracking from any other
 * carrier cannot be sent back. Without a delivery option every rate stays.
 */
async function acceptedByTiktok(
  deps: FulfilmentDeps,
  order: OrderRow,
  rates: readonly Rate[],
): Promise<{ rates: Rate[]; note?: string }> {
  if (!order.delivery_option_id) return { rates: [...rates] };
  const credentials = await deps.tiktok.credentials(order.shop_id);
  if (!credentials) throw new Error(`shop ${order.shop_id} is not authorised at TikTok`);
  const providers = await shippingProviders(deps, credentials, order.delivery_option_id);
  const kept = rates.filter((rate) => matchProvider(providers, rate.provider) !== undefined);
  const offered = providers.map((p) => p.name).join(', ') || 'none';
  if (kept.length === 0) {
    throw new Error(
      `no quoted carrier is one TikTok accepts for delivery option ${order.delivery_option_id} (TikTok offers ${offered}; quoted ${[...new Set(rates.map((r) => r.provider))].join(', ')})`,
    );
  }
  return { rates: kept, note: `TikTok accepts ${offered} for this delivery option` };
}

/** 1 + the number of this order's labels already voided: a new label after a void gets a new key. */
async function labelGeneration(db: Queryable, key: { shopId: string; orderId: string }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM labels WHERE shop_id = $1 AND order_id = $2 AND status IN ('voided', 'void_rejected')`,
    [key.shopId, key.orderId],
  );
  return (rows[0]?.n ?? 0) + 1;
}

/**
 * The address to ship to: the carrier's correction when it suggests one; undefined (and the order
 * held for a person) when the carrier says it cannot be delivered to.
 */
async function checkedAddress(
  deps: FulfilmentDeps,
  carrier: CarrierAccess,
  order: OrderRow,
  address: Address,
): Promise<Address | undefined> {
  const check = await carrier.policy.execute(() => carrier.port.validateAddress(address));
  if (check.status !== 'invalid') return check.suggested ?? address;
  const now = new Date(deps.clock.now());
  const reason = `address: ${check.messages.join('; ') || 'the carrier cannot deliver to this address'}`;
  await deps.db.transaction(async (tx) => {
    await tx.query(`UPDATE orders SET hold_reason = $3 WHERE shop_id = $1 AND order_id = $2`, [
      order.shop_id,
      order.order_id,
      reason,
    ]);
    await appendOrderEvent(tx, {
      shopId: order.shop_id,
      orderId: order.order_id,
      kind: 'hold',
      from: order.state,
      to: order.state,
      detail: { by: 'address check', reason },
      at: now,
    });
    await notify(
      tx,
      deps.routes,
      {
        cause: `bad-address:${order.shop_id}:${order.order_id}`,
        roles: ['fulfillment_team'],
        severity: 'medium',
        subject: `Order ${order.order_id} is held: the address needs a person`,
        body: `${reason}. Correct the address with the buyer on TikTok, then release the order.`,
        shopId: order.shop_id,
      },
      now,
    );
  });
  return undefined;
}

/** A purchase the carrier is still working on is asked about a few times before the step retries. */
async function settled(carrier: CarrierAccess, label: LabelTransaction): Promise<LabelTransaction> {
  let current = label;
  for (let i = 0; i < 10 && (current.status === 'QUEUED' || current.status === 'WAITING'); i++) {
    await sleep(200 * (i + 1));
    current = await carrier.policy.execute(() => carrier.port.getTransaction(label.transactionId));
  }
  if (current.status !== 'SUCCESS') {
    const messages = current.messages.map((m) => m.text).join('; ');
    throw new Error(
      `label purchase ${current.transactionId} is ${current.status}${messages ? `: ${messages}` : ''}`,
    );
  }
  return current;
}

/** Commits which label API a purchase attempt for this label goes to. */
async function recordAttempt(
  db: Queryable,
  key: { shopId: string; orderId: string },
  step: string,
  attempted: readonly string[],
): Promise<void> {
  await db.query(
    `UPDATE step_intents SET result = jsonb_build_object('attempted', $4::jsonb)
      WHERE shop_id = $1 AND order_id = $2 AND step = $3`,
    [key.shopId, key.orderId, step, JSON.stringify(attempted)],
  );
}

async function recordLabel(
  tx: Queryable,
  order: OrderRow,
  idempotencyKey: string,
  aggregator: string,
  rate: Rate,
  label: LabelTransaction,
): Promise<void> {
  await tx.query(
    `INSERT INTO labels (shop_id, order_id, idempotency_key, provider, service, rate_id, transaction_id,
            tracking_number, tracking_url, label_url, amount_cents, currency, aggregator)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (shop_id, idempotency_key) DO NOTHING`,
    [
      order.shop_id,
      order.order_id,
      idempotencyKey,
      rate.provider,
      rate.serviceName,
      rate.rateId,
      label.transactionId,
      label.trackingNumber ?? null,
      label.trackingUrl ?? null,
      label.labelUrl ?? null,
      rate.amountCents,
      rate.currency,
      aggregator,
    ],
  );
  await tx.query(
    `UPDATE orders SET carrier = $3, service = $4, tracking_number = $5, label_url = $6, tracking_rank = 0,
            tracking_status = NULL
      WHERE shop_id = $1 AND order_id = $2`,
    [
      order.shop_id,
      order.order_id,
      rate.provider,
      rate.serviceName,
      label.trackingNumber ?? null,
      label.labelUrl ?? null,
    ],
  );
}

/** Each carrier's delivered parcels and how many arrived by the order's deadline, cached for a minute. */
let onTimeCache: { at: number; records: Record<string, OnTimeRecord> } | undefined;
async function onTimeRecords(db: Queryable): Promise<Record<string, OnTimeRecord>> {
  if (onTimeCache && Date.now() - onTimeCache.at < 60_000) return onTimeCache.records;
  const { rows } = await db.query<{ carrier: string; on_time: number; total: number }>(
    `SELECT carrier, count(*) FILTER (WHERE delivered_at <= deliver_by)::int AS on_time, count(*)::int AS total
       FROM orders WHERE delivered_at IS NOT NULL AND deliver_by IS NOT NULL AND carrier IS NOT NULL
      GROUP BY carrier`,
  );
  const records = Object.fromEntries(rows.map((r) => [r.carrier, { onTime: r.on_time, total: r.total }]));
  onTimeCache = { at: Date.now(), records };
  return records;
}
