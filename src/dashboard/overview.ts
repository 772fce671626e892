import type { Registry } from 'prom-client';
import type { Database } from '../db/index.ts';
import { activeAlertCounts } from '../alerts/index.ts';
import type { Clock } from '../shared/clock.ts';
import { openSpikeEpisodes, orderFigures, type OrderFigures } from './overview-queries.ts';

/** One viral spike still in progress, as the overview shows it. */
export interface ActiveSpike {
  /** Stable for the spike's whole episode (alerts use it to tell spikes apart). */
  id: string;
  shop_id: string;
  product_id: string | null;
  started_at: Date;
  /** Orders per hour at the spike's peak so far, when known. */
  peak_per_hour: number | null;
}

/** Where the overview reads active spikes from; by default the open rows of `spike_episodes`. */
export type SpikeSource = (db: Database) => Promise<ActiveSpike[]>;

/** An integration's circuit breaker, read from the `creatorflow_integration_breaker_state` gauge. */
export interface IntegrationHealth {
  integration: string;
  state: string;
}

export interface Overview extends OrderFigures {
  at: Date;
  integrations: IntegrationHealth[];
  spikes: ActiveSpike[];
  /** Open alert episodes, all severities. */
  active_alerts: number;
}

export interface OverviewDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly metrics: { readonly registry: Registry };
  readonly activeSpikes?: SpikeSource | undefined;
}

const BREAKER_GAUGE = 'creatorflow_integration_breaker_state';

/** Reads each integration's current breaker state from the metrics registry. */
export async function integrationHealth(registry: Registry): Promise<IntegrationHealth[]> {
  const gauge = registry.getSingleMetric(BREAKER_GAUGE);
  if (!gauge) return [];
  const { values } = await gauge.get();
  return values
    .filter((v) => v.value === 1)
    .map((v) => ({ integration: String(v.labels.integration), state: String(v.labels.state) }))
    .sort((a, b) => a.integration.localeCompare(b.integration));
}

/** Computes the whole overview now. */
export async function computeOverview(deps: OverviewDeps): Promise<Overview> {
  const now = new Date(deps.clock.now());
  const figures = await orderFigures(deps.db, { now });
  const integrations = await integrationHealth(deps.metrics.registry);
  const spikes = await (deps.activeSpikes ?? openSpikeEpisodes)(deps.db);
  const alerts = await activeAlertCounts(deps.db);
  const activeAlerts = alerts.reduce((sum, a) => sum + a.count, 0);
  return { at: now, ...figures, integrations, spikes, active_alerts: activeAlerts };
}

/**
 * The overview, computed at most once per `maxAgeMs` however many readers ask (the live feed,
 * /api/overview, /metrics scrapes, the alert evaluator), and never twice at the same time.
 */
export function createOverviewSource(
  deps: OverviewDeps,
  options: { maxAgeMs?: number } = {},
): { get(): Promise<Overview> } {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  let cached: { at: number; value: Overview } | undefined;
  let inFlight: Promise<Overview> | undefined;
  return {
    get() {
      if (cached && deps.clock.now() - cached.at < maxAgeMs) return Promise.resolve(cached.value);
      inFlight ??= computeOverview(deps)
        .then((value) => {
          cached = { at: deps.clock.now(), value };
          return value;
        })
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}

export type OverviewSource = ReturnType<typeof createOverviewSource>;
