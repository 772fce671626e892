import type { BuyLabelInput, CarrierPort, LabelTransaction } from './carrier-port.ts';
import { buyLabelOnce } from './idempotent-purchase.ts';
import type { IntegrationPolicy } from './resilience.ts';

/**
 * The same port with every call run through the integration's policy. Purchases are retried
 * safely: every attempt after the first looks for the earlier purchase before buying.
 */
export function withResilience(port: CarrierPort, policy: IntegrationPolicy): CarrierPort {
  return {
    name: port.name,
    validateAddress: (address) => policy.execute(() => port.validateAddress(address)),
    getRates: (shipment) => policy.execute(() => port.getRates(shipment)),
    buyLabel: (input) => buyResiliently(port, policy, input, false),
    findTransactionByMetadata: (metadata) => policy.execute(() => port.findTransactionByMetadata(metadata)),
    getTransaction: (id) => policy.execute(() => port.getTransaction(id)),
    voidLabel: (id) => policy.execute(() => port.voidLabel(id)),
    getTracking: (carrier, number) => policy.execute(() => port.getTracking(carrier, number)),
  };
}

/** Buys through the policy; `checkFirst` when an earlier attempt (before a crash) may have bought. */
export async function buyResiliently(
  port: CarrierPort,
  policy: IntegrationPolicy,
  input: BuyLabelInput,
  checkFirst: boolean,
): Promise<LabelTransaction & { reused: boolean }> {
  let attempt = 0;
  const outcome = await policy.execute(() => {
    attempt += 1;
    return buyLabelOnce(port, input, { checkFirst: checkFirst || attempt > 1 });
  });
  return { ...outcome.transaction, reused: outcome.reused };
}
