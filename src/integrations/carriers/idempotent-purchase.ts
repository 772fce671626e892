import type { BuyLabelInput, CarrierPort, LabelTransaction } from './carrier-port.ts';
import { isCarrierRateLimitedError } from './carrier-errors.ts';
import { countsAgainstBreaker } from './resilience.ts';

export interface PurchaseOutcome {
  transaction: LabelTransaction;
  /** True when an earlier purchase with the same metadata was found instead of buying again. */
  reused: boolean;
}

/**
 * Buys a label at most once per metadata key. When an earlier attempt may have reached the carrier
 * (`checkFirst`: the caller stored the intent before a crash or timeout), it looks for that purchase
 * first; when this attempt fails in a way that leaves the outcome unknown (timeout, 5xx), it looks
 * again before giving up, so a retry never buys twice.
 */
export async function buyLabelOnce(
  port: CarrierPort,
  input: BuyLabelInput,
  options: { checkFirst: boolean },
): Promise<PurchaseOutcome> {
  if (options.checkFirst) {
    const existing = await port.findTransactionByMetadata(input.metadata);
    if (existing) return { transaction: existing, reused: true };
  }
  try {
    return { transaction: await port.buyLabel(input), reused: false };
  } catch (error) {
    if (!outcomeUnknown(error)) throw error;
    const existing = await port.findTransactionByMetadata(input.metadata).catch(() => undefined);
    if (existing) return { transaction: existing, reused: true };
    throw error;
  }
}

/** A failure after which the purchase may or may not have happened (a 429 was refused unread). */
function outcomeUnknown(error: unknown): boolean {
  return countsAgainstBreaker(error) && !isCarrierRateLimitedError(error);
}
