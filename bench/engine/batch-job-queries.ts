import type { AsyncCommitDatabase, AsyncCommitQueryable } from './async-commit.ts';
import type { OrderState, Priority } from '../../src/orders/index.ts';
import { sameClaim, type OrderJob } from '../../src/queue/index.ts';

/** A job as the batch pool claims it: with its order's state then, so a step may start from it. */
export interface BatchJob extends OrderJob {
  order_state?: OrderState;
}

/**
 * One statement (one commit) per round of the batch worker pool: deletes the jobs this worker
 * finished, releases the ones it hands back (due at their `runAt`), each only while the claim that
 * reports it still holds it, and claims up to each lane's limit of runnable jobs, earliest deadline
 * first, under a lease of that lane's length, each with its order's current state. The rows it
 * settles are leased by this worker, so none of them can be among the rows it claims.
 *
 * It commits asynchronously (`asyncCommit`): if a server crash loses a round, the jobs it claimed are
 * free again or still leased by an earlier claim (a worker's next step finds its lease gone and
 * records nothing), and the jobs it settled come back and are stepped from their orders' states, as
 * a worker that died would leave them. A step that reaches outside commits synchronously before it
 * does, which makes every round before it durable.
 */
export async function settleAndClaimJobs(
  db: AsyncCommitDatabase,
  input: {
    workerId: string;
    now: Date;
    /** Each with its claim's lease end: only that claim's job is removed (see completeJob). */
    finished: readonly { shopId: string; orderId: string; lockedUntil: Date | null }[];
    /** Handed back, due at `runAt`, with a new deadline when the order met its SLA (see StepOutcome). */
    released: readonly {
      shopId: string;
      orderId: string;
      lockedUntil: Date | null;
      runAt: Date;
      deadline?: Date | undefined;
    }[];
    claims: readonly { lane: Priority; limit: number; leaseMs: number }[];
  },
): Promise<BatchJob[]> {
  const { rows } = await db.query<BatchJob>(
    `WITH finished AS (
       DELETE FROM order_jobs j USING unnest($3::text[], $4::text[], $12::timestamptz[]) AS t(shop_id, order_id, lease_end)
        WHERE j.shop_id = t.shop_id AND j.order_id = t.order_id AND j.locked_by = $1
          AND ${sameClaim('t.lease_end', 'j.locked_until')}),
     released AS (
       UPDATE order_jobs j
          SET locked_by = NULL, locked_until = NULL, attempts = 0, last_error = NULL, run_at = t.run_at,
              deadline = coalesce(t.deadline, j.deadline)
         FROM unnest($5::text[], $6::text[], $7::timestamptz[], $11::timestamptz[], $13::timestamptz[])
              AS t(shop_id, order_id, run_at, deadline, lease_end)
        WHERE j.shop_id = t.shop_id AND j.order_id = t.order_id AND j.locked_by = $1
          AND ${sameClaim('t.lease_end', 'j.locked_until')})
     UPDATE order_jobs j
        SET locked_by = $1, locked_until = $2::timestamptz + l.lease_ms * interval '1 millisecond',
            attempts = j.attempts + 1
       FROM unnest($8::text[], $9::int[], $10::int[]) AS l(lane, n, lease_ms)
       CROSS JOIN LATERAL (
         SELECT shop_id, order_id FROM order_jobs
          WHERE lane = l.lane AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
          ORDER BY deadline
          LIMIT l.n
          FOR UPDATE SKIP LOCKED) AS picked
       JOIN orders o ON o.shop_id = picked.shop_id AND o.order_id = picked.order_id
      WHERE j.shop_id = picked.shop_id AND j.order_id = picked.order_id
      RETURNING j.*, o.state AS order_state`,
    [
      input.workerId,
      input.now,
      input.finished.map((o) => o.shopId),
      input.finished.map((o) => o.orderId),
      input.released.map((o) => o.shopId),
      input.released.map((o) => o.orderId),
      input.released.map((o) => o.runAt),
      input.claims.map((c) => c.lane),
      input.claims.map((c) => c.limit),
      input.claims.map((c) => c.leaseMs),
      input.released.map((o) => o.deadline ?? null),
      input.finished.map((o) => o.lockedUntil),
      input.released.map((o) => o.lockedUntil),
    ],
    // A round lost to a server crash is simply done again (see the doc comment).
    { prepared: 'creatorflow_settle_and_claim_jobs', asyncCommit: true },
  );
  return rows.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
}

/**
 * Removes the jobs of orders that need no more work: each job only while the claim named still holds
 * it, and only if its order is in one of `endStates` as this very statement reads it, under a lock
 * (an operator's retry moving the order back to work waits for this, or is read as done; the order
 * is locked first, then its job, as the service's steps and operator actions lock them). Reading
 * and removing in one statement makes the removal commit after whatever put the order in that
 * state, so a server crash that takes back an asynchronous commit which ended the order takes back
 * the removal with it. (A removal decided from an earlier read and made in a later statement can
 * outlive the change it was decided from, and leave an order with work and no job.) Returns, for
 * each job the claim still holds, whether it was removed and its order's state; a job missing from
 * the result is no longer this claim's.
 */
export async function removeEndedJobs(
  db: AsyncCommitQueryable,
  input: {
    /** `workerId` null: any holder (an unfenced caller, as transitionOrders allows). */
    jobs: readonly { shopId: string; orderId: string; workerId: string | null; lockedUntil: Date | null }[];
    endStates: readonly OrderState[];
    /** Commit without waiting for the disk (AsyncCommitOption): a lost removal leaves the job. */
    asyncCommit?: boolean;
  },
): Promise<{ shop_id: string; order_id: string; state: OrderState; removed: boolean }[]> {
  if (input.jobs.length === 0) return [];
  const { rows } = await db.query<{ shop_id: string; order_id: string; state: OrderState; removed: boolean }>(
    `WITH held AS MATERIALIZED (
       SELECT j.shop_id, j.order_id, o.state
         FROM orders o
         JOIN unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS t(shop_id, order_id, holder, lease_end)
           ON o.shop_id = t.shop_id AND o.order_id = t.order_id
         JOIN order_jobs j
           ON j.shop_id = o.shop_id AND j.order_id = o.order_id
          AND (t.holder IS NULL OR (j.locked_by = t.holder AND ${sameClaim('t.lease_end', 'j.locked_until')}))
        ORDER BY o.shop_id, o.order_id
          FOR SHARE OF o FOR UPDATE OF j),
     removed AS (
       DELETE FROM order_jobs j USING held h
        WHERE j.shop_id = h.shop_id AND j.order_id = h.order_id AND h.state = ANY($5::text[])
       RETURNING j.shop_id, j.order_id)
     SELECT h.shop_id, h.order_id, h.state, r.order_id IS NOT NULL AS removed
       FROM held h LEFT JOIN removed r ON r.shop_id = h.shop_id AND r.order_id = h.order_id`,
    [
      input.jobs.map((j) => j.shopId),
      input.jobs.map((j) => j.orderId),
      input.jobs.map((j) => j.workerId),
      input.jobs.map((j) => j.lockedUntil),
      input.endStates,
    ],
    { prepared: 'creatorflow_remove_ended_jobs', asyncCommit: input.asyncCommit ?? false },
  );
  return rows;
}
