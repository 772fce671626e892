/**
 * `npm run bench -- service`: the service as the product runs it, end to end. For each database
 * (PostgreSQL, a fresh database per run; PGlite, a fresh folder) and each feed (a burst of N orders;
 * a steady rate), `startApp` starts roles api+worker+scheduler in sandbox mode with demo traffic off;
 * the sandbox's TikTok Shop simulator creates N paid, seller-shipped orders and sends their signed
 * webhooks to `POST /webhooks/tiktok`; the service fetches each order, applies the rules, reserves
 * stock, buys a label from the carrier simulator, pushes tracking to TikTok, and moves the order to
 * shipped when the carrier simulator's tracking webhook says the parcel is in transit (about 30 s
 * after the label: the carrier simulator runs a day per minute).
 *
 * Prints orders/s from the first webhook sent to the last label bought, per-lane latency from webhook
 * acknowledged to label bought, calls per order to TikTok and the carrier, CPU of this process and
 * of PostgreSQL's backends, peak RSS, and a machine check before and after. Every run is checked:
 * all orders labelled and shipped, one label per order (our table and the carrier's charges), one
 * tracking push per order, nothing failed; a failed check is printed and sets exit code 1.
 *
 * Settings: SERVICE_BENCH_ORDERS (default 500), SERVICE_BENCH_RATE (orders/s of the steady feed,
 * default 20), SERVICE_BENCH_DATABASES (default postgres; postgres,pglite adds the
 * embedded database, several minutes more), SERVICE_BENCH_FEEDS (default
 * burst,steady), SERVICE_BENCH_TIMEOUT_SECONDS (per run, default 240), SERVICE_BENCH_LOG_LEVEL
 * (the service's log level, default warn).
 */
import { cpus } from 'node:os';
import { machineCheck } from './machine-check.ts';
import { STEPS } from './service-checks.ts';
import { runService, type DatabaseKind, type ServiceRunResult } from './service-run.ts';
import type { ProbeFigures } from './service-probes.ts';
import { printTable } from './storage.ts';

const DATABASES: readonly DatabaseKind[] = ['postgres', 'pglite'];
// PGlite runs the database on this process's one thread: a run takes several minutes, so it is asked for.
const DEFAULT_DATABASES: readonly DatabaseKind[] = ['postgres'];
const FEEDS = ['burst', 'steady'] as const;

export async function serviceBenchmark(): Promise<void> {
  const count = wholeNumber('SERVICE_BENCH_ORDERS', 500, 1);
  const rate = Number(process.env.SERVICE_BENCH_RATE ?? 20);
  if (!(rate > 0)) fail(`SERVICE_BENCH_RATE must be orders per second above 0 (got ${String(rate)})`);
  const timeoutMs = wholeNumber('SERVICE_BENCH_TIMEOUT_SECONDS', 240, 10) * 1000;
  const databases = chosen('SERVICE_BENCH_DATABASES', DATABASES, DEFAULT_DATABASES);
  const feeds = chosen('SERVICE_BENCH_FEEDS', FEEDS, FEEDS);

  process.stdout.write(
    `${count.toLocaleString('en-US')} orders per run; the real service (startApp, roles api+worker+scheduler, ` +
      `sandbox mode, demo traffic off, default tuning, TikTok request budget 1000/min, no Redis) with the ` +
      `sandbox's own TikTok Shop and carrier simulators in this process; ${cpus().length} CPUs, ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}\n`,
  );
  const before = await machineCheck();
  if (before) process.stdout.write(`before: ${before}\n`);

  const results: ServiceRunResult[] = [];
  for (const database of databases) {
    for (const feed of feeds) {
      const started = new Date();
      const result = await runService({
        database,
        ratePerSecond: feed === 'burst' ? undefined : rate,
        count,
        timeoutMs,
      });
      if (!result) continue;
      results.push(result);
      const { checks } = result;
      process.stdout.write(
        `${result.label} (started ${started.toISOString().slice(11, 19)} UTC): ${checks.summary}; ` +
          `the TikTok simulator served ${result.tiktokServed} API requests\n`,
      );
      for (const note of checks.notes) process.stdout.write(`  note: ${note}\n`);
      for (const problem of checks.problems.slice(0, 20)) process.stdout.write(`  PROBLEM: ${problem}\n`);
      if (checks.problems.length > 20) process.stdout.write(`  ... ${checks.problems.length - 20} more\n`);
      if (checks.problems.length > 0) process.exitCode = 1;
    }
  }

  const cpu = (f: ProbeFigures) => `${f.nodeCpuSeconds.toFixed(1)} + ${f.databaseCpuSeconds.toFixed(1)}`;
  const perOrder = (seconds: number, r: ServiceRunResult) => ((seconds * 1000) / r.count).toFixed(1);
  printTable(
    [
      'run',
      'orders/s (1st webhook → last label)',
      's to last label',
      's to last shipped',
      'TikTok webhook ack p50 / p99 ms',
      'TikTok calls/order',
      'carrier calls/order',
      'CPU s to last label: Node + PostgreSQL',
      'CPU s to last shipped',
      'CPU ms/order to shipped: Node + PostgreSQL',
      'peak RSS MB',
    ],
    results.map((r) => {
      const f = r.atEnd;
      return [
        r.label,
        (r.labelled / r.toLastLabel).toFixed(1),
        r.toLastLabel.toFixed(1),
        r.toLastShipped === undefined ? `${r.shipped}/${r.count} shipped` : r.toLastShipped.toFixed(1),
        `${r.ackP50Ms.toFixed(1)} / ${r.ackP99Ms.toFixed(1)}`,
        ((f.calls.tiktok ?? 0) / r.count).toFixed(2),
        ((f.calls.carrier ?? 0) / r.count).toFixed(2),
        cpu(r.atLastLabel),
        cpu(f),
        `${perOrder(f.nodeCpuSeconds, r)} + ${perOrder(f.databaseCpuSeconds, r)}`,
        f.peakRssMb.toFixed(0),
      ];
    }),
  );
  process.stdout.write('\nwebhook acknowledged → label bought, per lane (s):\n');
  printTable(
    ['run', 'lane', 'orders', 'p50', 'p95', 'p99', 'within lane SLA'],
    results.flatMap((r) =>
      r.lanes.map((l) => [
        r.label,
        l.lane,
        String(l.orders),
        l.p50.toFixed(2),
        l.p95.toFixed(2),
        l.p99.toFixed(2),
        `${l.withinSla}/${l.orders}`,
      ]),
    ),
  );
  process.stdout.write('\nwhere the time to the label goes, median per order (s):\n');
  printTable(
    ['run', ...STEPS],
    results.map((r) => [r.label, ...STEPS.map((step) => r.steps[step].toFixed(2))]),
  );
  const after = await machineCheck();
  if (after) process.stdout.write(`after: ${after}\n`);
}

function wholeNumber(name: string, fallback: number, min: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) {
    fail(`${name} must be a whole number of at least ${min} (got ${process.env[name] ?? ''})`);
  }
  return value;
}

function chosen<T extends string>(name: string, all: readonly T[], fallback: readonly T[]): T[] {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return [...fallback];
  const picked = text.split(',').map((s) => s.trim());
  const unknown = picked.filter((p) => !(all as readonly string[]).includes(p));
  if (unknown.length > 0) fail(`${name}: unknown ${unknown.join(', ')}; use some of ${all.join(',')}`);
  return picked as T[];
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
