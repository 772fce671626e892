/**
 * Run-time knobs of the TikTok Shop simulator: a plain mutable object (`simulator.knobs`), so tests,
 * the sandbox and the CLI change them while it runs. Probabilities are 0..1.
 */
export interface TiktokSimulatorKnobs {
  /** Share of Open API calls answered HTTP 429 with code 36009002. */
  throttleRate: number;
  /** The next N Open API calls are throttled, whatever the rate. */
  throttleNext: number;
  /** Retry-After (seconds) sent with a throttled answer; undefined: none. */
  retryAfterSeconds: number | undefined;
  /** Share of Open API calls answered HTTP 500 with code 36009003. */
  errorRate: number;
  /** The next N Open API calls fail with 36009003. */
  errorNext: number;
  /** Every API answer (auth calls included) is held this long (slow TikTok). */
  latencyMs: number;
  /** Accepted timestamp window (seconds before / after the simulator's now). */
  timestampPastSeconds: number;
  timestampFutureSeconds: number;
  /** Lifetime of issued access tokens (TikTok: about 7 days). */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;

  /** Webhook deliveries: share never sent (lost for good), sent twice, and held back behind the next one. */
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  /** Delays before each redelivery after a non-2xx answer or network failure; TikTok uses about
   * 2 min, 30 min, 3 h, 12 h, compressed 1200x here by default. Empty: never retried. */
  webhookRetryDelaysMs: number[];
  /** A delivery attempt that takes longer than this counts as failed (TikTok: about 3 s). */
  webhookTimeoutMs: number;
  /** Deliveries in flight at once. */
  webhookConcurrency: number;

  /** Generated traffic: among lifecycle events, the share of each kind (new orders take the rest). */
  pendingOrderShare: number;
  buyerCancelShare: number;
  addressUpdateShare: number;
  packageSplitShare: number;
  returnShare: number;
  /** Among new orders: UNPAID and ON_HOLD shares (later paid/released), SELLER vs TIKTOK shipping. */
  unpaidShare: number;
  onHoldShare: number;
  sellerShippingShare: number;
  /** The product a viral episode is about (null: none) and its share of new orders during it. */
  viralProductId: string | null;
  viralShare: number;
}

/** A well-behaved TikTok with realistic traffic and no delivery faults. */
export function defaultTiktokKnobs(): TiktokSimulatorKnobs {
  return {
    throttleRate: 0,
    throttleNext: 0,
    retryAfterSeconds: undefined,
    errorRate: 0,
    errorNext: 0,
    latencyMs: 0,
    timestampPastSeconds: 300,
    timestampFutureSeconds: 30,
    accessTokenTtlSeconds: 7 * 24 * 3600,
    refreshTokenTtlSeconds: 60 * 24 * 3600,
    dropRate: 0,
    duplicateRate: 0,
    reorderRate: 0,
    webhookRetryDelaysMs: [100, 1_500, 9_000, 36_000],
    webhookTimeoutMs: 3_000,
    webhookConcurrency: 64,
    pendingOrderShare: 0.08,
    buyerCancelShare: 0.02,
    addressUpdateShare: 0.02,
    packageSplitShare: 0.005,
    returnShare: 0.005,
    unpaidShare: 0.06,
    onHoldShare: 0.06,
    sellerShippingShare: 0.7,
    viralProductId: null,
    viralShare: 0.6,
  };
}
