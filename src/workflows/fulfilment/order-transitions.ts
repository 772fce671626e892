import type { Queryable } from '../../db/index.ts';
import { consumeOrder, releaseOrder } from '../../inventory/index.ts';
import { notify, notifyCustomer, type NotifyRoutes } from '../../notify/index.ts';
import { transitionOrder, type OrderEvent, type TransitionResult } from '../../orders/index.ts';

export interface TransitionDeps {
  readonly routes: NotifyRoutes;
  /** Buyers get an e-mail when the seller's side cancels or delays their order (needs SMTP). */
  readonly customerEmail?: boolean | undefined;
}

/**
 * Applies an event to an order and, in the same transaction, starts undoing what the transition
 * leaves behind: held stock is released at once; a bought label's void and a TikTok cancellation
 * become compensation rows that the compensation runner carries out (and retries); an operator is
 * notified through the outbox. (The order's time stamps and failure reason come with the transition.)
 */
export async function moveOrder(
  tx: Queryable,
  deps: TransitionDeps,
  input: { shopId: string; orderId: string; event: OrderEvent; detail?: Record<string, unknown>; at: Date },
): Promise<TransitionResult> {
  const result = await transitionOrder(tx, input);
  if (!result.ok) return result;
  const key = { shopId: input.shopId, orderId: input.orderId };

  for (const compensation of result.compensations) {
    switch (compensation) {
      case 'release_stock':
        await releaseOrder(tx, key);
        break;
      case 'void_label':
        await tx.query(
          `WITH live AS (
             UPDATE labels SET status = 'voiding', updated_at = $3
              WHERE shop_id = $1 AND order_id = $2 AND status = 'bought'
              RETURNING idempotency_key)
           INSERT INTO compensations (shop_id, order_id, kind, subject, next_attempt_at)
           SELECT $1, $2, 'void_label', idempotency_key, $3 FROM live
           ON CONFLICT DO NOTHING`,
          [key.shopId, key.orderId, input.at],
        );
        break;
      case 'cancel_on_tiktok':
        await tx.query(
          `INSERT INTO compensations (shop_id, order_id, kind, subject, next_attempt_at)
           VALUES ($1, $2, 'cancel_on_tiktok', $2, $3) ON CONFLICT DO NOTHING`,
          [key.shopId, key.orderId, input.at],
        );
        break;
      case 'notify_operator':
        await notify(
          tx,
          deps.routes,
          {
            cause: `order:${key.orderId}:${input.event}:${result.to}`,
            roles: ['fulfillment_team', 'team_lead'],
            severity: 'high',
            subject: `Order ${key.orderId} was ${result.to} after it ${result.from}`,
            body: `Order ${key.orderId} of shop ${key.shopId} moved from ${result.from} to ${result.to} (${input.event}). The parcel has already left: recover it with the carrier or arrange a return.`,
            shopId: key.shopId,
          },
          input.at,
        );
        break;
    }
  }
  if (result.to === 'cancelled' && deps.customerEmail && !cancelledByBuyer(input.detail)) {
    await emailBuyer(tx, key, input.at, {
      cause: 'cancelled',
      subject: 'Your order was cancelled',
      body: `We are sorry: your order ${key.orderId} was cancelled and will not ship. If you were charged, TikTok Shop refunds you automatically. Reply to this e-mail if you have questions.`,
    });
  }
  // The parcel has left: its reserved units leave the stock with it.
  if (result.to === 'shipped') await consumeOrder(tx, key);
  if (result.to !== result.from) {
    await tx.query(`DELETE FROM backorders WHERE shop_id = $1 AND order_id = $2`, [key.shopId, key.orderId], {
      prepared: 'creatorflow_forget_backorder',
    });
  }
  return result;
}

/** A cancellation the buyer asked for needs no e-mail from us: TikTok confirms it to them. */
function cancelledByBuyer(detail: Record<string, unknown> | undefined): boolean {
  return (
    detail?.by === 'buyer' ||
    detail?.cancelled_by === 'BUYER' ||
    (detail?.by === 'tiktok' && detail.cancelled_by === undefined)
  );
}

/** Queues one e-mail to the order's buyer (TikTok's relay address), once per cause. */
export async function emailBuyer(
  tx: Queryable,
  key: { shopId: string; orderId: string },
  at: Date,
  message: { cause: string; subject: string; body: string },
): Promise<void> {
  const { rows } = await tx.query<{ buyer_email: string | null }>(
    `SELECT buyer_email FROM orders WHERE shop_id = $1 AND order_id = $2`,
    [key.shopId, key.orderId],
  );
  const email = rows[0]?.buyer_email;
  if (!email) return;
  await notifyCustomer(
    tx,
    {
      shopId: key.shopId,
      email,
      cause: `customer:${message.cause}:${key.shopId}:${key.orderId}`,
      subject: message.subject,
      body: message.body,
    },
    at,
  );
}
