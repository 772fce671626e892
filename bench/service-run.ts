/**
 * One run of the service benchmark: the real service (`startApp`, roles api+worker+scheduler,
 * sandbox mode with its TikTok Shop and carrier simulators, demo traffic off) on a fresh database,
 * fed orders through the TikTok simulator's signed webhooks, watched until every order has a label
 * and then until every parcel has shipped, then checked and measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/index.ts';
import type { Sandbox } from '../src/sandbox/index.ts';
import { createLogger, sleep } from '../src/shared/index.ts';
import { createPostgresDatabase } from './databases.ts';
import {
  checkRun,
  LABELLED,
  laneLatencies,
  lastTimes,
  percentile,
  SHIPPED,
  stepMedians,
  type CheckOutcome,
  type LaneLatency,
  type StepMedians,
} from './service-checks.ts';
import { feedOrders } from './service-feed.ts';
import { startProbes, type ProbeFigures } from './service-probes.ts';
import { freePort } from '../tests/helpers/service-process.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface ServiceRunOptions {
  readonly database: DatabaseKind;
  /** undefined: a burst of `count` orders; else a steady rate of orders per second. */
  readonly ratePerSecond: number | undefined;
  readonly count: number;
  readonly timeoutMs: number;
}

export interface ServiceRunResult {
  readonly label: string;
  readonly count: number;
  readonly labelled: number;
  readonly shipped: number;
  /** First webhook sent → last order labelled, and → last order shipped (seconds). */
  readonly toLastLabel: number;
  readonly toLastShipped: number | undefined;
  /** Acknowledgement time of every TikTok webhook delivery of the run, as the simulator saw it. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** Probe figures from the first webhook until every order was labelled, and until the end. */
  readonly atLastLabel: ProbeFigures;
  readonly atEnd: ProbeFigures;
  /** TikTok API requests the simulator served during the run (to compare with the calls seen). */
  readonly tiktokServed: number;
  readonly lanes: readonly LaneLatency[];
  readonly steps: StepMedians;
  readonly checks: CheckOutcome;
}

/** Starts the service on a fresh database, feeds it, waits, checks, measures, and stops everything. */
export async function runService(options: ServiceRunOptions): Promise<ServiceRunResult | undefined> {
  const target = options.database === 'postgres' ? await createPostgresDatabase() : pgliteFolder();
  if (!target) return undefined;
  let app: RunningApp | undefined;
  try {
    const config = loadConfig({
      CREATORFLOW_MODE: 'sandbox',
      CREATORFLOW_ROLES: 'api,worker,scheduler',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      SANDBOX_TRAFFIC_RATE: '0',
      LOG_LEVEL: process.env.SERVICE_BENCH_LOG_LEVEL ?? 'warn',
      ...(options.database === 'postgres'
        ? { DATABASE_URL: target.url }
        : { CREATORFLOW_DATA_DIR: target.url }),
    });
    app = await startApp(config, createLogger(config.logLevel));
    const sandbox = app.sandbox;
    if (!sandbox || !app.url) throw new Error('the service did not start its sandbox and HTTP server');
    await stockEverySku(app.url, config.adminToken, sandbox, options.count);
    return await measure(app.deps.db, sandbox, options, target.url);
  } finally {
    await app?.stop();
    await target.drop();
  }
}

async function measure(
  db: Database,
  sandbox: Sandbox,
  options: ServiceRunOptions,
  databaseUrl: string,
): Promise<ServiceRunResult> {
  const feedLabel = options.ratePerSecond === undefined ? 'burst' : `steady ${options.ratePerSecond}/s`;
  const label = `${options.database === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${feedLabel}`;
  const probes = await startProbes({
    origins: { tiktok: sandbox.tiktok.url, carrier: sandbox.carrier.baseUrl },
    databaseUrl: options.database === 'postgres' ? databaseUrl : undefined,
  });
  const tiktokServedBefore = sandbox.tiktok.counters.requestsServed;
  const feed = feedOrders(sandbox.tiktok, sandbox.shopId, options);
  const deadline = feed.startedAt + options.timeoutMs;
  try {
    const labelled = await waitUntil(db, LABELLED, options.count, deadline, label);
    const atLastLabel = await probes.snapshot();
    const shipped =
      labelled.reached === options.count
        ? await waitUntil(db, SHIPPED, options.count, deadline, label)
        : labelled;
    feed.stop();
    const atEnd = await probes.snapshot();
    const tiktokServed = sandbox.tiktok.counters.requestsServed - tiktokServedBefore;
    const times = await lastTimes(db);
    const acks = sandbox.tiktok.webhookAttempts.filter((a) => a.ok).map((a) => a.latencyMs);
    return {
      label,
      count: options.count,
      labelled: labelled.reached,
      shipped: shipped.reached,
      toLastLabel: ((times.lastLabel ?? Number.NaN) - feed.startedAt) / 1000,
      toLastShipped:
        shipped.reached === options.count && times.lastShipped !== undefined
          ? (times.lastShipped - feed.startedAt) / 1000
          : undefined,
      ackP50Ms: percentile(acks, 0.5),
      ackP99Ms: percentile(acks, 0.99),
      atLastLabel,
      atEnd,
      tiktokServed,
      lanes: await laneLatencies(db),
      steps: await stepMedians(db),
      checks: await checkRun(db, sandbox, options.count),
    };
  } finally {
    feed.stop();
    await probes.stop();
  }
}

/** Polls twice a second until `target` orders are in `states`, nothing more can move, or the deadline. */
async function waitUntil(
  db: Database,
  states: string,
  target: number,
  deadline: number,
  label: string,
): Promise<{ reached: number }> {
  let reported = Date.now();
  for (;;) {
    const { rows } = await db.query<{ reached: number; ended: number }>(
      `SELECT count(*) FILTER (WHERE state IN ${states})::int AS reached,
              count(*) FILTER (WHERE state IN ('failed', 'cancelled'))::int AS ended
         FROM orders`,
    );
    const { reached, ended } = rows[0]!;
    if (reached >= target || reached + ended >= target || Date.now() > deadline) return { reached };
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      process.stderr.write(`  ${label}: ${reached}/${target} in ${states}, ${ended} failed or cancelled\n`);
    }
    await sleep(500);
  }
}

/** Stock for every SKU of the demo shop, set as an operator would (PUT .../inventory/:sku). */
async function stockEverySku(url: string, token: string, sandbox: Sandbox, count: number): Promise<void> {
  for (const product of sandbox.tiktok.products(sandbox.shopId)) {
    for (const sku of product.skus) {
      const response = await fetch(
        `${url}/api/shops/${sandbox.shopId}/inventory/${encodeURIComponent(sku.sellerSku)}`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          // No order of the simulator's asks for more than 6 units of one SKU.
          body: JSON.stringify({ on_hand: 6 * count }),
        },
      );
      if (!response.ok)
        throw new Error(
          `setting stock of ${sku.sellerSku} answered ${response.status}: ${await response.text()}`,
        );
    }
  }
}

/** A fresh folder for an embedded PGlite database, removed with `drop()`. */
function pgliteFolder(): { url: string; drop(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'cf-bench-pglite-'));
  return { url: dir, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
}
