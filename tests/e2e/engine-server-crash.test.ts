import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openPostgres, type Database } from '../../src/db/index.ts';
import { PRIORITIES } from '../../src/orders/index.ts';
import { sleep } from '../../src/shared/sleep.ts';
import {
  createEffectLedger,
  expectEachStepOnce,
  startEngineWorker,
  type EngineWorker,
} from '../helpers/engine-worker.ts';
import {
  canRunPrivatePostgres,
  CRASH_TEST_SETTINGS,
  startPrivatePostgres,
  walWriterPid,
  whileRecovering,
  type PrivatePostgres,
} from '../helpers/private-postgres.ts';

/**
 * The batch worker pool commits its rounds and its steps without waiting for the disk (they have no
 * outside effects, so a worker redoes whatever a crash loses). This crashes the PostgreSQL server
 * itself, on a private server of this test's own, at moments when the last commits are certainly not
 * on disk yet: the WAL writer is paused first, then killed, which makes PostgreSQL throw away
 * everything in shared memory and recover from the WAL on disk, as after a power cut. The work those
 * commits did is gone; the worker processes, which keep running throughout, must notice and redo it.
 */
const ORDERS = 6_000;
const CRASHES = 3;

let server: PrivatePostgres;
let db: Database;
const workers: EngineWorker[] = [];

describe.skipIf(!canRunPrivatePostgres())(
  'engine across PostgreSQL server crashes (needs PostgreSQL server programs for a private server)',
  () => {
    beforeAll(async () => {
      server = await startPrivatePostgres(CRASH_TEST_SETTINGS);
      db = await openPostgres(server.url, { max: 2 });
      await migrate(db, loadMigrations());
      await createEffectLedger(db);
      await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
      await db.query(
        `INSERT INTO orders (shop_id, order_id, priority, sla_deadline)
         SELECT 's', 'o' || i, ($2::text[])[1 + i % 4], now() FROM generate_series(1, $1) AS i`,
        [ORDERS, PRIORITIES],
      );
      await db.query(
        `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
         SELECT shop_id, order_id, priority, now() + interval '1 minute', now() FROM orders`,
      );
      // Everything above is on disk before the first crash.
      await db.query('CHECKPOINT');
    }, 120_000);
    afterAll(async () => {
      // A worker left running by a failed run would retry its vanished server for ever.
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await db?.close();
      await server?.remove();
    });

    it('loses the commits a crash catches in memory, and the worker redoes them: every order ships, each step once', async () => {
      // The first row of a query, asked again while the server recovers.
      const ask = <R>(sql: string): Promise<R> =>
        whileRecovering(async () => (await db.query<R>(sql)).rows[0]!);
      const shipped = async () =>
        (await ask<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE state = 'shipped'`)).n;
      const steps = async () => (await ask<{ n: number }>(`SELECT count(*)::int AS n FROM engine_effects`)).n;
      const jobsLeft = async () => (await ask<{ n: number }>(`SELECT count(*)::int AS n FROM order_jobs`)).n;
      // The other client backends running a statement, and what each waits on (null: on CPU).
      const running = async () =>
        JSON.stringify(
          (
            await ask<{ rows: unknown }>(
              `SELECT coalesce(json_agg(json_build_object('pid', pid, 'waits', wait_event_type, 'on', wait_event,
                                                          'query', left(query, 80)) ORDER BY pid), '[]') AS rows
                 FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()`,
            )
          ).rows,
        );
      // No statement can commit any more: each one still running waits, for longer than a moment,
      // on what only a frozen process can give it: a lock a frozen worker's transaction holds, a
      // lightweight lock the frozen WAL writer holds, or a frozen worker reading its result. One on
      // CPU or in I/O will finish and may commit.
      const nothingCanCommit = async () => {
        const now = await running();
        const stuck = (JSON.parse(now) as { waits: string | null }[]).every((backend) =>
          ['Lock', 'LWLock', 'Client'].includes(backend.waits ?? ''),
        );
        if (!stuck) return false;
        await sleep(250);
        return (await running()) === now;
      };
      // Why orders are not shipped: each one's state, its job (and whether a transaction holds its row),
      // its timeline; every other session at work and what blocks it; whether a worker is still stopped.
      const whyNotShipped = async () => {
        const orders = await ask<{ rows: unknown }>(
          `SELECT coalesce(json_agg(u ORDER BY u.order_id), '[]') AS rows FROM (
             SELECT o.order_id, o.state, to_json(j) AS job,
                    j.order_id IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM order_jobs f WHERE f.shop_id = j.shop_id AND f.order_id = j.order_id
                         FOR UPDATE SKIP LOCKED) AS job_row_locked,
                    (SELECT json_agg(concat_ws(' ', e.kind, e.from_state || '>' || e.to_state, e.detail->>'reason')
                                     ORDER BY e.id)
                       FROM order_events e WHERE e.shop_id = o.shop_id AND e.order_id = o.order_id) AS timeline
               FROM orders o LEFT JOIN order_jobs j USING (shop_id, order_id)
              WHERE o.state <> 'shipped' ORDER BY o.order_id LIMIT 20) AS u`,
        );
        const sessions = await ask<{ rows: unknown }>(
          `SELECT coalesce(json_agg(json_build_object('pid', pid, 'state', state, 'waits', wait_event_type,
                                                      'on', wait_event, 'blocked_by', pg_blocking_pids(pid),
                                                      'in_transaction_for', now() - xact_start,
                                                      'query', left(query, 120)) ORDER BY pid), '[]') AS rows
             FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()`,
        );
        const processState = (worker: EngineWorker) =>
          worker.child.exitCode !== null || worker.child.signalCode !== null
            ? `exited (${worker.child.exitCode ?? worker.child.signalCode})`
            : (readFileSync(`/proc/${worker.child.pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '?');
        const gaveUp = [batch, single]
          .flatMap((worker) => worker.output().split('\n'))
          .filter((line) => line.includes('gave up'));
        return [
          `orders not shipped: ${JSON.stringify(orders.rows)}`,
          `sessions at work: ${JSON.stringify(sessions.rows)}`,
          `worker process states (T: stopped): batch ${processState(batch)}, single ${processState(single)}`,
          `gave up: ${gaveUp.join('\n') || 'none'}`,
        ].join('\n');
      };

      // Both pools, in two processes sharing the queue. The single-step pool commits synchronously,
      // which makes every commit before it durable; it is frozen while the WAL writer is paused, so
      // the batch pool's asynchronous commits of that moment are the ones the crash catches.
      const batch = await startEngineWorker(server.url, 'batch');
      const single = await startEngineWorker(server.url, 'single');
      workers.push(batch, single);
      const withLogs = (error: Error): never => {
        throw new Error(
          `${error.message}\nthe batch worker's log:\n${batch.output().slice(-3_000)}\nthe single-step worker's log:\n${single.output().slice(-3_000)}\nthe server's log:\n${server.log().slice(-3_000)}`,
        );
      };
      const signal = (worker: EngineWorker, name: NodeJS.Signals) => process.kill(worker.child.pid!, name);
      let lost = 0;
      try {
        for (let crash = 0; crash < CRASHES; crash++) {
          const before = await shipped();
          await expect
            .poll(shipped, { timeout: 30_000, interval: 20 })
            .toBeGreaterThan(Math.min(ORDERS - 300, before + 150))
            .catch(withLogs);
          signal(single, 'SIGSTOP');
          await sleep(50);
          const walWriter = await walWriterPid(db);
          process.kill(walWriter, 'SIGSTOP');
          await sleep(300);
          // Freeze the batch worker too, let its statements under way finish (or stick), and count what is committed.
          signal(batch, 'SIGSTOP');
          await expect
            .poll(nothingCanCommit, { timeout: 10_000, interval: 20 })
            .toBe(true)
            .catch(async (error: Error) =>
              withLogs(new Error(`${error.message}; still running: ${await running()}`)),
            );
          const committed = await steps();
          // A crashed server process: PostgreSQL ends every other one, drops shared memory (and the
          // WAL not yet written) and recovers from what is on disk, with a new WAL writer.
          process.kill(walWriter, 'SIGKILL');
          await expect.poll(() => walWriterPid(db), { timeout: 60_000, interval: 50 }).not.toBe(walWriter);
          const kept = await steps();
          signal(batch, 'SIGCONT');
          signal(single, 'SIGCONT');
          expect(kept).toBeLessThanOrEqual(committed);
          lost += committed - kept;
        }
        await expect
          .poll(shipped, { timeout: 90_000, interval: 200 })
          .toBe(ORDERS)
          .catch(async (error: Error) => withLogs(new Error(`${error.message}\n${await whyNotShipped()}`)));
        // A crash can also take back the removal of a finished order's job: the job comes back,
        // leased as before, and the claim after its lease finds the order shipped and removes it.
        await expect
          .poll(jobsLeft, { timeout: 30_000, interval: 200 })
          .toBe(0)
          .catch(async (error: Error) => withLogs(new Error(`${error.message}\n${await whyNotShipped()}`)));
      } finally {
        for (const worker of [batch, single]) {
          signal(worker, 'SIGCONT');
          worker.child.kill('SIGTERM');
        }
      }
      expect(await batch.exited).toBe(0);
      expect(await single.exited).toBe(0);

      // The crashes did lose committed steps (else this test would prove nothing).
      expect(lost).toBeGreaterThan(0);
      // Each step's side effect exactly once per order: a lost step took its effect with it.
      await expectEachStepOnce(db, ORDERS);
      // Each timeline: the five transitions of the legal path, once each, in order. A step decided
      // from a state that a crash took back is refused as stale and recorded; that is all it adds.
      const paths = await db.query<{ path: string; n: number }>(
        `SELECT path, count(*)::int AS n FROM (
             SELECT string_agg(from_state || '>' || to_state, ' ' ORDER BY id) AS path
               FROM order_events WHERE kind = 'transition' GROUP BY order_id) AS p
            GROUP BY path`,
      );
      expect(paths.rows).toEqual([
        {
          path: 'received>validated validated>processing processing>inventory_reserved inventory_reserved>label_generated label_generated>shipped',
          n: ORDERS,
        },
      ]);
      const others = await db.query<{ kind: string; reason: string }>(
        `SELECT DISTINCT kind, left(detail->>'reason', 6) AS reason FROM order_events WHERE kind <> 'transition'`,
      );
      expect(others.rows.filter((r) => !(r.kind === 'transition_refused' && r.reason === 'stale:'))).toEqual(
        [],
      );
    }, 240_000);
  },
);
