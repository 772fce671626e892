/**
 * `npm run bench -- engine`: drains N orders (default 20,000; set ENGINE_BENCH_ORDERS)
 * spread over the four lanes through the lifecycle received → ... → shipped (5 steps, each a real
 * `transitionOrder` with its timeline entry, no outside work), on a fresh PostgreSQL database per
 * contender: the service's worker pool, then the same steps on pg-boss. Prints orders/s,
 * order-steps/s, per-lane p50/p99 from enqueue to shipped, and peak RSS (sampled) for each.
 * Contenders: `single` (the single-step worker pool the service runs, one transaction per step) and
 * `pgboss` by default; `batch` (the experimental batch pool in this folder, which the service does
 * not run) only when named, e.g. ENGINE_BENCH_CONTENDERS=single,batch,pgboss. The batch pool drains
 * ENGINE_BENCH_REPEAT times (default 5) and its median run is shown: run-to-run speed varies on a
 * shared machine.
 */
import { PRIORITIES, SLA_MS, type Priority } from '../../src/orders/index.ts';
import { enqueueJobs, startWorkerPool } from '../../src/queue/index.ts';
import { openAsyncCommits } from './async-commit.ts';
import { startBatchWorkerPool } from './batch-worker-pool.ts';
import { LIFECYCLE_STEPS, lifecycleStep, lifecycleStepBatch } from './lifecycle-step.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { sleep } from '../../src/shared/sleep.ts';
import type { Database } from '../../src/db/index.ts';
import { benchPostgres, databaseCpuSeconds } from '../databases.ts';
import { preparePgBoss } from './pgboss.ts';
import { machineCheck } from '../machine-check.ts';
import { printTable } from '../storage.ts';

const POOL_SIZE = 8;

interface Drained {
  label: string;
  /** Order-steps done: orders times lifecycle steps. */
  steps: number;
  seconds: number;
  peakRssMb: number;
  /** CPU seconds spent by this process and by the database's server processes while draining. */
  cpuSeconds: number;
  serverCpuSeconds: number;
  lanes: Map<Priority, { p50: number; p99: number }>;
}

export async function engineBenchmark(): Promise<void> {
  const count = Number(process.env.ENGINE_BENCH_ORDERS ?? 20_000);
  if (!Number.isInteger(count) || count < 4) {
    process.stderr.write(`ENGINE_BENCH_ORDERS must be a whole number of at least 4 (got ${String(count)})\n`);
    process.exit(2);
  }
  const orders = Array.from({ length: count }, (_, i) => ({
    orderId: `o${i + 1}`,
    lane: PRIORITIES[i % 4]!,
  }));
  process.stdout.write(
    `${count.toLocaleString('en-US')} orders, ${LIFECYCLE_STEPS} steps each, PostgreSQL\n`,
  );
  const before = await machineCheck();
  if (before) process.stdout.write(`before: ${before}\n`);

  const repeat = Number(process.env.ENGINE_BENCH_REPEAT ?? 5);
  if (!Number.isInteger(repeat) || repeat < 1) {
    process.stderr.write(
      `ENGINE_BENCH_REPEAT must be a whole number of at least 1 (got ${String(repeat)})\n`,
    );
    process.exit(2);
  }
  const only = (process.env.ENGINE_BENCH_CONTENDERS ?? 'single,pgboss').split(',');
  const runs = (name: string) => only.includes(name);
  const results: Drained[] = [];
  const ours = !runs('single')
    ? undefined
    : await contender(
        'CreatorFlow worker pool, as the service runs it (1 process)',
        orders,
        async (target, queued) => {
          await queueOurs(target.db, queued);
          return async () => {
            const pool = await startWorkerPool(
              {
                db: target.db,
                clock: systemClock,
                log: createLogger('silent'),
                step: lifecycleStep({ db: target.db, clock: systemClock }),
                giveUp: (job, error) => Promise.reject(new Error(`order ${job.order_id} gave up: ${error}`)),
              },
              { workerId: 'bench-1' },
            );
            return () => pool.stop();
          };
        },
      );
  if (ours) results.push(ours);

  const batched = !runs('batch')
    ? undefined
    : await medianOfRuns(repeat, () =>
        contender(
          'experimental batch pool, not run by the service (1 process)',
          orders,
          async (target, queued) => {
            await queueOurs(target.db, queued);
            // Its rounds and batches commit without waiting for the disk, on connections of their own.
            const db = await openAsyncCommits(target.db, target.url, { max: POOL_SIZE });
            return async () => {
              const pool = await startBatchWorkerPool(
                {
                  db,
                  clock: systemClock,
                  log: createLogger('silent'),
                  stepBatch: lifecycleStepBatch({ db, clock: systemClock }),
                  giveUp: (job, error) =>
                    Promise.reject(new Error(`order ${job.order_id} gave up: ${error}`)),
                },
                { workerId: 'bench-1' },
              );
              return async () => {
                await pool.stop();
                await db.close();
              };
            };
          },
        ),
      );
  if (batched) results.push(batched);

  const boss = !runs('pgboss')
    ? undefined
    : await contender('pg-boss 10 (1 process)', orders, async (target, queued) => {
        const run = await preparePgBoss(target.db, target.url, queued, {
          workersPerLane: 2,
          batchSize: 50,
          poolSize: POOL_SIZE,
        });
        return async () => {
          await run.start();
          return () => run.stop();
        };
      });
  if (boss) results.push(boss);

  printTable(
    [
      'engine',
      'orders/s',
      'order-steps/s',
      ...PRIORITIES.map((l) => `${l} p50/p99 s`),
      'peak RSS MB',
      'CPU µs/step: node + pg',
      'steps/s if 2 cores were ours',
    ],
    results.map((r) => [
      r.label,
      fmt(count / r.seconds),
      fmt((count * LIFECYCLE_STEPS) / r.seconds),
      ...PRIORITIES.map((l) => `${secs(r.lanes.get(l)?.p50)} / ${secs(r.lanes.get(l)?.p99)}`),
      fmt(r.peakRssMb),
      `${fmt(((r.cpuSeconds - r.serverCpuSeconds) * 1e6) / (count * LIFECYCLE_STEPS))} + ${fmt(
        (r.serverCpuSeconds * 1e6) / (count * LIFECYCLE_STEPS),
      )}`,
      fmt((2 * count * LIFECYCLE_STEPS) / r.cpuSeconds),
    ]),
  );
  for (const mine of [ours, batched]) {
    if (mine && boss) {
      const ratio = boss.seconds / mine.seconds;
      process.stdout.write(`${mine.label} / pg-boss orders/s: ${ratio.toFixed(2)}x\n`);
    }
  }
  const after = await machineCheck();
  if (after) process.stdout.write(`after: ${after}\n`);
}

/**
 * Runs a contender `times` times, each on a fresh database, and keeps the run with the median
 * drain time: the machine's speed varies from one run to the next (a shared virtual machine), so one
 * run alone can be a tenth faster or slower. Every run's order-steps/s is printed.
 */
async function medianOfRuns(
  times: number,
  run: () => Promise<Drained | undefined>,
): Promise<Drained | undefined> {
  const drained: Drained[] = [];
  for (let n = 0; n < times; n++) {
    const result = await run();
    if (!result) return undefined;
    drained.push(result);
  }
  drained.sort((a, b) => a.seconds - b.seconds);
  const median = drained[Math.floor((drained.length - 1) / 2)]!;
  const rates = drained.map((d) => fmt(d.steps / d.seconds));
  process.stdout.write(
    `${median.label}: ${times} runs, order-steps/s ${rates.join(' / ')}; the table shows the median run\n`,
  );
  return median;
}

/** A contender: queues its work (before the clock), then starts workers and returns how to stop them. */
type Contender = (
  target: EngineDatabase,
  orders: readonly { orderId: string; lane: Priority }[],
) => Promise<() => Promise<() => Promise<void>>>;

/**
 * Seeds a fresh database with the orders, lets the contender queue them, starts its workers (the
 * clock starts here, and each order's receipt is reset to it), waits until every order is shipped,
 * and measures: drain time to the last shipped order, per-lane latency, RSS sampled every 250 ms
 * (the orders left are counted once a second).
 */
async function contender(
  label: string,
  orders: readonly { orderId: string; lane: Priority }[],
  prepare: Contender,
): Promise<Drained | undefined> {
  const target = await engineDatabase();
  if (!target) return undefined;
  try {
    await seedOrders(target.db, orders);
    const start = await prepare(target, orders);
    await target.db.query(`UPDATE orders SET received_at = now(), updated_at = now()`);
    const serverCpuBefore = await databaseCpuSeconds(target.db);
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const stop = await start();
    let peakRss = process.memoryUsage().rss;
    // Counting the orders left reads the whole table (several ms of the database's CPU), so it runs
    // once a second; the drain time comes from the last order's update time, not from this loop.
    for (let tick = 1; ; tick++) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (tick % 4 === 0) {
        const { rows } = await target.db.query<{ left: number }>(
          `SELECT count(*)::int AS left FROM orders WHERE state <> 'shipped'`,
        );
        if (rows[0]!.left === 0) break;
      }
      await sleep(250);
    }
    const serverCpu = (await databaseCpuSeconds(target.db)) - serverCpuBefore;
    const ownCpu = process.cpuUsage(cpuBefore);
    await stop();
    const { rows } = await target.db.query<{ lane: Priority; p50: number; p99: number; last: Date }>(
      `SELECT priority AS lane,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at)) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at)) AS p99,
              max(updated_at) AS last
         FROM orders GROUP BY priority`,
    );
    const last = Math.max(...rows.map((r) => r.last.getTime()));
    return {
      label,
      steps: orders.length * LIFECYCLE_STEPS,
      seconds: (last - started) / 1000,
      peakRssMb: peakRss / 2 ** 20,
      cpuSeconds: serverCpu + (ownCpu.user + ownCpu.system) / 1e6,
      serverCpuSeconds: serverCpu,
      lanes: new Map(rows.map((r) => [r.lane, { p50: Number(r.p50), p99: Number(r.p99) }])),
    };
  } finally {
    await target.drop();
  }
}

interface EngineDatabase {
  readonly db: Database;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the benchmark's PostgreSQL server, or undefined when unreachable. */
async function engineDatabase(): Promise<EngineDatabase | undefined> {
  const target = await benchPostgres(POOL_SIZE);
  return target?.url ? { db: target.db, url: target.url, drop: () => target.drop() } : undefined;
}

async function seedOrders(
  db: Database,
  orders: readonly { orderId: string; lane: Priority }[],
): Promise<void> {
  await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('bench', 'c')`);
  await db.query(
    `INSERT INTO orders (shop_id, order_id, priority, sla_deadline)
     SELECT 'bench', o, p, now() FROM unnest($1::text[], $2::text[]) AS t(o, p)`,
    [orders.map((o) => o.orderId), orders.map((o) => o.lane)],
  );
}

/** Our engine's queue: one job per order, due now, with its lane's SLA deadline. */
async function queueOurs(
  db: Database,
  orders: readonly { orderId: string; lane: Priority }[],
): Promise<void> {
  const now = new Date();
  for (let start = 0; start < orders.length; start += 5_000) {
    await enqueueJobs(
      db,
      orders.slice(start, start + 5_000).map((o) => ({
        shopId: 'bench',
        orderId: o.orderId,
        lane: o.lane,
        deadline: new Date(now.getTime() + SLA_MS[o.lane]),
      })),
      now,
    );
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (n: number | undefined): string => (n === undefined ? '-' : n.toFixed(2));
