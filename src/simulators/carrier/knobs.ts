/**
 * Failure knobs: one per failure mode in shared/protocols/shipping.md. Tests and the sandbox
 * change them at run time through `simulator.knobs` (a plain mutable object).
 */
export interface CarrierSimulatorKnobs {
  /** Share of API calls answered 429 (0..1). */
  rateLimitRatio: number;
  /** The next N API calls answer 429, whatever the ratio. */
  rateLimitNext: number;
  retryAfterSeconds: number;
  /** Share of purchases that end ERROR with `carrier_timeout` (0..1). */
  carrierTimeoutRatio: number;
  /** The next N purchases end ERROR with `carrier_timeout`. */
  carrierTimeoutNext: number;
  /** Destination ZIP prefixes that are invalid addresses and yield no rates. */
  noRateZipPrefixes: string[];
  /** Rates are quoted as if created 8 days ago, so buying them fails with `rate_expired`. */
  expiredRates: boolean;
  /** Every answer is held this long after the work is done (a purchase is recorded before the wait). */
  delayMs: number;
  /** Only matching requests are delayed: prefixes of "METHOD /path" or "/path" ("POST /transactions"); empty: all. */
  delayPaths: string[];
  /** Refund requests are rejected. */
  rejectRefunds: boolean;
  /** Purchases answer QUEUED and settle `asyncSettleMs` later, even when `async: false` was asked. */
  asyncTransactions: boolean;
  asyncSettleMs: number;
  /** Every webhook is delivered twice. */
  duplicateWebhooks: boolean;
  /** Webhooks are held in pairs and delivered newest first. */
  reorderWebhooks: boolean;
  /** Every API call answers 503. */
  outage: boolean;
}

/** A well-behaved carrier. */
export function defaultKnobs(): CarrierSimulatorKnobs {
  return {
    rateLimitRatio: 0,
    rateLimitNext: 0,
    retryAfterSeconds: 1,
    carrierTimeoutRatio: 0,
    carrierTimeoutNext: 0,
    noRateZipPrefixes: ['000'],
    expiredRates: false,
    delayMs: 0,
    delayPaths: [],
    rejectRefunds: false,
    asyncTransactions: false,
    asyncSettleMs: 200,
    duplicateWebhooks: false,
    reorderWebhooks: false,
    outage: false,
  };
}
