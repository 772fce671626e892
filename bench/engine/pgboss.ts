/**
 * The same lifecycle steps built on pg-boss 10, the baseline of `npm run bench -- engine`: one
 * pg-boss queue per lane, one job per order step. A worker fetches a batch, runs each step in its
 * own transaction with `runLifecycleStep`, and sends the order's next-step job in that same
 * transaction (pg-boss's `db` option), so a crash never loses or doubles a step. Workers are woken
 * at once after a busy batch (`notifyWorker`) rather than waiting out the polling interval, which is
 * pg-boss at its fastest.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../../src/db/index.ts';
import { PRIORITIES } from '../../src/orders/index.ts';
import { runLifecycleStep } from './lifecycle-step.ts';
import { systemClock } from '../../src/shared/clock.ts';

interface StepData {
  shopId: string;
  orderId: string;
}

export interface PgBossRun {
  /** Starts the workers; resolves once they are polling. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Queues one first-step job per order (all lanes) and returns the run to start. */
export async function preparePgBoss(
  db: Database,
  url: string,
  orders: readonly { orderId: string; lane: string }[],
  options: { workersPerLane: number; batchSize: number; poolSize: number },
): Promise<PgBossRun> {
  const boss = new PgBoss({ connectionString: url, max: options.poolSize, schema: 'pgboss' });
  boss.on('error', (error) => process.stderr.write(`pg-boss: ${String(error)}\n`));
  await boss.start();
  for (const lane of PRIORITIES) await boss.createQueue(`engine-${lane}`);
  for (let start = 0; start < orders.length; start += 5_000) {
    const chunk = orders.slice(start, start + 5_000);
    for (const lane of PRIORITIES) {
      const jobs = chunk
        .filter((o) => o.lane === lane)
        .map((o) => ({ name: `engine-${lane}`, data: { shopId: 'bench', orderId: o.orderId } }));
      if (jobs.length > 0) await boss.insert(jobs);
    }
  }

  return {
    async start() {
      for (const lane of PRIORITIES) {
        const queue = `engine-${lane}`;
        for (let w = 0; w < options.workersPerLane; w++) {
          const id: string = await boss.work<StepData>(
            queue,
            { batchSize: options.batchSize, pollingIntervalSeconds: 0.5 },
            async (jobs) => {
              await Promise.all(
                jobs.map((job) =>
                  db.transaction(async (tx) => {
                    const outcome = await runLifecycleStep(tx, {
                      shopId: job.data.shopId,
                      orderId: job.data.orderId,
                      at: new Date(systemClock.now()),
                    });
                    if (outcome.next === 'continue') {
                      await boss.send(queue, job.data, {
                        db: { executeSql: (text, values) => tx.query(text, values) },
                      });
                    }
                  }),
                ),
              );
              if (jobs.length > 0) boss.notifyWorker(id);
            },
          );
        }
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
  };
}
