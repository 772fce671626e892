import { parseShippoWebhook, toCarrierWebhookEvent } from '../../integrations/carriers/index.ts';
import type { InboxEvent, InboxHandler } from '../../ingest/index.ts';
import { applyTracking } from './apply-tracking.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';

/**
 * The handler for a stored carrier webhook: a tracking update moves the order that owns the
 * tracking number (never backwards). Transaction updates need nothing: purchases are settled by
 * the step that bought them.
 */
export function carrierEventHandler(deps: FulfilmentDeps, event: InboxEvent): InboxHandler | undefined {
  if (event.source !== 'shippo') return undefined;
  return async () => {
    const parsed = parseShippoWebhook(JSON.stringify(event.payload));
    if (!parsed.ok) return 'ignored';
    const meaning = toCarrierWebhookEvent(parsed.webhook);
    if (meaning.kind !== 'tracking') return 'ignored';
    const { rows } = await deps.db.query<{ shop_id: string; order_id: string }>(
      `SELECT shop_id, order_id FROM orders WHERE tracking_number = $1`,
      [meaning.tracking.trackingNumber],
    );
    if (rows.length === 0) return 'ignored';
    for (const order of rows) {
      await deps.db.transaction((tx) =>
        applyTracking(tx, deps, {
          shopId: order.shop_id,
          orderId: order.order_id,
          status: meaning.tracking.status,
          details: meaning.tracking.details,
          source: 'webhook',
          at: new Date(deps.clock.now()),
        }),
      );
    }
    return 'processed';
  };
}
