/**
 * Rate shopping, pure: pick a rate for an order from what the aggregator quoted. Rates that meet
 * the deadline even when their carrier runs late as often as it has so far come first; then rates
 * that meet it on paper; only when none does, the earliest delivery. Within a tier the strategy
 * decides. A rate is the structural subset below, so carrier `Rate`s fit without conversion.
 */
export interface RateOption {
  rateId: string;
  provider: string;
  serviceToken: string;
  serviceName?: string;
  amountCents: number;
  estimatedDays: number | undefined;
  expiresAt?: number | undefined;
}

export type RateStrategy = 'cheapest' | 'fastest' | 'best_value';

export interface OnTimeRecord {
  onTime: number;
  total: number;
}

export interface RateOverride {
  provider?: string | undefined;
  serviceToken?: string | undefined;
}

export interface RateSelectionInput<R extends RateOption> {
  rates: readonly R[];
  /** Epoch ms. */
  now: number;
  /** Epoch ms by which the parcel must arrive; undefined: no deadline. */
  deadline?: number | undefined;
  strategy?: RateStrategy;
  override?: RateOverride | undefined;
  /** Measured deliveries per provider. */
  onTime?: Readonly<Record<string, OnTimeRecord>>;
  tuning?: Partial<RateSelectionTuning>;
}

export interface RateSelectionTuning {
  /** Days a late delivery slips by; expected days = estimate + slip × (1 − on-time share). */
  slipDays: number;
  /** On-time share assumed before there is data, and how many deliveries that belief is worth. */
  priorOnTime: number;
  priorWeight: number;
  /** What a day of transit is worth in cents, for best_value. */
  dayValueCents: number;
}

export interface RejectedRate<R> {
  rate: R;
  reason: string;
}

export type RateSelection<R> =
  | { ok: true; chosen: R; reason: string; rejected: RejectedRate<R>[]; meetsDeadline: boolean }
  | { ok: false; reason: string; rejected: RejectedRate<R>[] };

export const DEFAULT_TUNING: Readonly<RateSelectionTuning> = {
  slipDays: 1,
  priorOnTime: 0.9,
  priorWeight: 10,
  dayValueCents: 150,
};

const DAY_MS = 86_400_000;

interface Scored<R> {
  rate: R;
  reliability: number;
  expectedDays: number;
}

/** The on-time share of a provider, smoothed towards the prior while there is little data. */
export function reliabilityOf(record: OnTimeRecord | undefined, tuning: RateSelectionTuning): number {
  const onTime = record?.onTime ?? 0;
  const total = record?.total ?? 0;
  return (onTime + tuning.priorOnTime * tuning.priorWeight) / (total + tuning.priorWeight);
}

/** Chooses a rate and says why, listing every alternative with the reason it lost. */
export function selectRate<R extends RateOption>(input: RateSelectionInput<R>): RateSelection<R> {
  const tuning = { ...DEFAULT_TUNING, ...input.tuning };
  const strategy = input.strategy ?? 'cheapest';
  const rejected: RejectedRate<R>[] = [];
  const live: R[] = [];
  for (const rate of input.rates) {
    if (rate.expiresAt !== undefined && rate.expiresAt <= input.now)
      rejected.push({ rate, reason: 'expired' });
    else live.push(rate);
  }
  let pool = live;
  let overrideNote = '';
  const override = input.override;
  if (override && (override.provider || override.serviceToken)) {
    const matches = (r: R): boolean =>
      (!override.provider || r.provider === override.provider) &&
      (!override.serviceToken || r.serviceToken === override.serviceToken);
    const kept = live.filter(matches);
    const wanted = [override.provider, override.serviceToken].filter(Boolean).join(' ');
    if (kept.length > 0) {
      for (const rate of live)
        if (!matches(rate)) rejected.push({ rate, reason: `excluded by override (${wanted})` });
      pool = kept;
      overrideNote = `, override ${wanted}`;
    } else {
      overrideNote = `, override ${wanted} ignored: no such rate`;
    }
  }
  if (pool.length === 0)
    return { ok: false, reason: 'no usable rate: every rate has expired or none was quoted', rejected };

  const scored: Scored<R>[] = pool.map((rate) => {
    const reliability = reliabilityOf(input.onTime?.[rate.provider], tuning);
    const days = rate.estimatedDays ?? Number.POSITIVE_INFINITY;
    return { rate, reliability, expectedDays: days + tuning.slipDays * (1 - reliability) };
  });
  const available =
    input.deadline === undefined ? Number.POSITIVE_INFINITY : (input.deadline - input.now) / DAY_MS;
  const sureTier = scored.filter((s) => s.expectedDays <= available);
  const paperTier = scored.filter((s) => (s.rate.estimatedDays ?? Number.POSITIVE_INFINITY) <= available);
  const tier = sureTier.length > 0 ? sureTier : paperTier.length > 0 ? paperTier : scored;
  const effective: RateStrategy = tier === scored && input.deadline !== undefined ? 'fastest' : strategy;
  const ranked = [...tier].sort(comparator(effective, tuning));
  const best = ranked[0] as Scored<R>;

  for (const s of scored) {
    if (s === best) continue;
    rejected.push({ rate: s.rate, reason: whyNot(s, best, tier, available, effective) });
  }
  const meetsDeadline = (best.rate.estimatedDays ?? Number.POSITIVE_INFINITY) <= available;
  const what = `${best.rate.provider} ${best.rate.serviceName ?? best.rate.serviceToken} at ${dollars(best.rate.amountCents)}`;
  const timing = `${formatDays(best.expectedDays)} expected${Number.isFinite(available) ? ` of ${formatDays(available)} available` : ''}, ${best.rate.provider} on time ${Math.round(best.reliability * 100)}%`;
  const why =
    input.deadline === undefined
      ? `${label(effective)} of ${tier.length} rates (no deadline)`
      : tier === sureTier
        ? `${label(effective)} of ${tier.length} rates that meet the deadline even with ${best.rate.provider}'s on-time record`
        : tier === paperTier
          ? `${label(effective)} of ${tier.length} rates that meet the deadline on paper only (carrier on-time records make it tight)`
          : 'no rate meets the deadline; chose the earliest delivery';
  return {
    ok: true,
    chosen: best.rate,
    reason: `${what}: ${why} (${timing}${overrideNote})`,
    rejected,
    meetsDeadline,
  };
}

function comparator<R extends RateOption>(
  strategy: RateStrategy,
  tuning: RateSelectionTuning,
): (a: Scored<R>, b: Scored<R>) => number {
  const value = (s: Scored<R>): number => s.rate.amountCents + tuning.dayValueCents * s.expectedDays;
  return (a, b) => {
    const primary =
      strategy === 'cheapest'
        ? a.rate.amountCents - b.rate.amountCents || a.expectedDays - b.expectedDays
        : strategy === 'fastest'
          ? a.expectedDays - b.expectedDays || a.rate.amountCents - b.rate.amountCents
          : value(a) - value(b) || a.rate.amountCents - b.rate.amountCents;
    return (
      (Number.isNaN(primary) ? 0 : primary) ||
      (a.rate.rateId < b.rate.rateId ? -1 : a.rate.rateId > b.rate.rateId ? 1 : 0)
    );
  };
}

function whyNot<R extends RateOption>(
  s: Scored<R>,
  best: Scored<R>,
  tier: readonly Scored<R>[],
  available: number,
  strategy: RateStrategy,
): string {
  if (!tier.includes(s)) {
    if (s.rate.estimatedDays === undefined) return 'no delivery estimate';
    if (s.rate.estimatedDays > available) {
      return `misses the deadline (${formatDays(s.rate.estimatedDays)} for ${formatDays(available)} available)`;
    }
    return `meets the deadline only if ${s.rate.provider} is on time (on time ${Math.round(s.reliability * 100)}%)`;
  }
  switch (strategy) {
    case 'cheapest':
      return s.rate.amountCents > best.rate.amountCents
        ? `${dollars(s.rate.amountCents - best.rate.amountCents)} dearer`
        : 'same price, slower or later in order';
    case 'fastest':
      return s.expectedDays > best.expectedDays
        ? `slower (${formatDays(s.expectedDays)} expected)`
        : 'as fast, but dearer or later in order';
    case 'best_value':
      return 'worse value for its price and transit time';
  }
}

function label(strategy: RateStrategy): string {
  return strategy === 'best_value' ? 'best value' : strategy;
}

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

function formatDays(days: number): string {
  return Number.isFinite(days) ? `${days.toFixed(1)} days` : 'unknown days';
}
