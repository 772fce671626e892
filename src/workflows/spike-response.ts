// What happens, in one transaction, when a spike starts: episode, escalation, re-order, one alert.
import type { Database } from '../db/index.ts';
import { reorderQuantity, requestPurchaseOrder } from '../inventory/index.ts';
import { notify, type NotifyRoutes } from '../notify/index.ts';
import { markOrdersViral, SLA_MS } from '../orders/index.ts';
import { escalateJobs } from '../queue/index.ts';
import { evaluate, loadPublishedRuleSet, type Facts } from '../rules/index.ts';
import type { Clock } from '../shared/clock.ts';
import {
  findOpenEpisode,
  openEpisode,
  queuedOrdersOf,
  recordEpisodeActions,
  unitsBySku,
  velocityIncrease,
  type SpikeActions,
  type SpikeStart,
} from '../viral/index.ts';

const round = (n: number): number => Math.round(n * 10) / 10;

/** The re-order the published rules ask for when this product spikes (none if no rule says so). */
export function reorderFromRules(
  rules: Parameters<typeof evaluate>[0],
  facts: Facts,
): { multiplier: number; urgent: boolean; ruleIds: string[] } | null {
  const { reorders } = evaluate(rules, facts);
  if (reorders.length === 0) return null;
  return {
    multiplier: Math.max(...reorders.map((r) => r.multiplier)),
    urgent: reorders.some((r) => r.urgent),
    ruleIds: reorders.map((r) => r.ruleId),
  };
}

/**
 * Opens the product's spike episode and, if this call opened it, escalates every queued order of
 * the product to the viral lane (one UPDATE), re-orders as the rules say and alerts the
 * fulfillment team once. All in one transaction: either all of it happened or none.
 */
export async function actOnSpike(
  deps: { readonly db: Database; readonly clock: Clock; readonly notifyRoutes: NotifyRoutes },
  input: SpikeStart,
): Promise<SpikeActions> {
  const { shopId, productId, rates } = input;
  return deps.db.transaction(async (tx) => {
    const episode = await openEpisode(tx, {
      shopId,
      productId,
      detectedBy: input.detectedBy,
      startedAt: input.startedAt,
      peakPerHour: rates.peakPerHour,
      baselinePerHour: rates.baselinePerHour,
    });
    if (!episode) {
      const open = await findOpenEpisode(tx, shopId, productId);
      return { episodeId: open?.id ?? 0, opened: false, escalatedJobs: 0, purchaseOrders: [], alerts: 0 };
    }
    const now = new Date(deps.clock.now());

    const orderIds = await queuedOrdersOf(tx, shopId, productId);
    // Orders before their jobs: the order in which a step (its lease fence, then the rules' lane
    // change) and the operator actions lock them, so none of them can deadlock with this one.
    await markOrdersViral(tx, { shopId, orderIds, spikeId: episode.id, productId, at: now });
    const escalatedJobs = await escalateJobs(tx, {
      shopId,
      orderIds,
      lane: 'viral',
      deadline: new Date(now.getTime() + SLA_MS.viral),
    });

    const increase = velocityIncrease(rates.lastHour, rates.baselinePerHour);
    const ruleSet = await loadPublishedRuleSet(tx, shopId);
    const reorder = reorderFromRules(ruleSet.rules, {
      'demand.active_spike': true,
      'demand.orders_per_hour': rates.lastHour,
      'demand.velocity_increase': Number.isFinite(increase) ? round(increase) : 1e6,
      'order.product_ids': [productId],
    });
    const purchaseOrders: SpikeActions['purchaseOrders'][number][] = [];
    if (reorder) {
      for (const { seller_sku: sellerSku, units } of await unitsBySku(tx, {
        shopId,
        productId,
        at: input.startedAt,
      })) {
        const quantity = reorderQuantity(reorder.multiplier, units);
        const { order } = await requestPurchaseOrder(tx, deps.notifyRoutes, {
          shopId,
          sellerSku,
          quantity,
          urgent: reorder.urgent,
          reason: `viral spike #${episode.id} of product ${productId}: ${reorder.multiplier}x the ${units} units of the last day (rules ${reorder.ruleIds.join(', ')}, rule set v${ruleSet.version})`,
          spikeId: episode.id,
          now,
        });
        purchaseOrders.push({ id: order.id, sellerSku, quantity: order.quantity, urgent: order.urgent });
      }
    }

    const alerts = await notify(
      tx,
      deps.notifyRoutes,
      {
        cause: `spike:${episode.id}`,
        roles: ['fulfillment_team'],
        severity: 'info',
        subject: `Viral spike: product ${productId} of shop ${shopId}`,
        body:
          `${rates.lastHour} orders in the last hour against a baseline of ${round(rates.baselinePerHour)}/h ` +
          `(detected by the ${input.detectedBy === 'early' ? 'early-warning detector' : 'threshold rule'} at ` +
          `${input.startedAt.toISOString()}). ${escalatedJobs} queued order(s) moved to the viral lane. ` +
          (purchaseOrders.length > 0
            ? `Re-ordered: ${purchaseOrders.map((p) => `${p.quantity} x ${p.sellerSku}`).join(', ')}.`
            : 'No re-order rule fired.'),
        shopId,
      },
      now,
    );
    await recordEpisodeActions(tx, {
      id: episode.id,
      escalatedJobs,
      detail: { purchase_orders: purchaseOrders.map((p) => p.id), rule_set_version: ruleSet.version, alerts },
    });
    return { episodeId: episode.id, opened: true, escalatedJobs, purchaseOrders, alerts };
  });
}
