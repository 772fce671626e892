import type { Queryable } from '../db/index.ts';
import type { OrderState, Priority } from '../orders/index.ts';

/** A claimed unit of work: one order, in one lane. */
export interface OrderJob {
  shop_id: string;
  order_id: string;
  lane: Priority;
  deadline: Date;
  run_at: Date;
  attempts: number;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  /** The order's state when the job was claimed (batch claims only): a step may start from it. */
  order_state?: OrderState;
}

export interface NewJob {
  shopId: string;
  orderId: string;
  lane: Priority;
  deadline: Date;
}

/** A job whose lease another worker now holds: this worker must not record anything for it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(orderId: string, workerId: string) {
    super(`worker ${workerId} no longer holds the lease on order ${orderId}; another worker resumes it`);
  }
}

/**
 * SQL: the job is still held by the claim whose lease end `leaseEnd` names (a parameter or a column;
 * null: by any claim of the worker). Claims set whole milliseconds, as JavaScript holds them; the
 * window only guards against a lease end with microseconds. A later claim of the same job, even by
 * the same worker, has another lease end. `column` is the job row's lease end, qualified where a
 * statement joins other tables.
 */
export function sameClaim(leaseEnd: string, column = 'locked_until'): string {
  return `(${leaseEnd}::timestamptz IS NULL OR (${column} >= ${leaseEnd}::timestamptz AND ${column} < ${leaseEnd}::timestamptz + interval '1 millisecond'))`;
}

/** Channel a NOTIFY goes to when work is added, so idle workers wake within milliseconds. */
export const JOBS_CHANNEL = 'creatorflow_order_jobs';

/** Queues orders (one statement for any number); an order already queued keeps its row. Returns how many are new. */
export async function enqueueJobs(db: Queryable, jobs: readonly NewJob[], now: Date): Promise<number> {
  if (jobs.length === 0) return 0;
  const { rows } = await db.query<{ added: number }>(
    `WITH added AS (
       INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
       SELECT shop_id, order_id, lane, deadline, $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS j(shop_id, order_id, lane, deadline)
       ON CONFLICT (shop_id, order_id) DO NOTHING
       RETURNING lane),
     woken AS (SELECT pg_notify($6, lane) FROM (SELECT DISTINCT lane FROM added) AS lanes)
     SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM woken) AS notified`,
    [
      jobs.map((j) => j.shopId),
      jobs.map((j) => j.orderId),
      jobs.map((j) => j.lane),
      jobs.map((j) => j.deadline),
      now,
      JOBS_CHANNEL,
    ],
  );
  return rows[0]?.added ?? 0;
}

/**
 * Claims up to `limit` runnable jobs of one lane, earliest deadline first, under a lease.
 * SKIP LOCKED lets many workers claim at once without waiting on, or taking, each other's rows;
 * a job whose lease has passed (its worker died) is runnable again.
 */
export async function claimJobs(
  db: Queryable,
  input: { lane: Priority; limit: number; workerId: string; leaseMs: number; now: Date },
): Promise<OrderJob[]> {
  const { rows } = await db.query<OrderJob>(
    `UPDATE order_jobs j
        SET locked_by = $3, locked_until = $1::timestamptz + $5 * interval '1 millisecond', attempts = j.attempts + 1
       FROM (SELECT shop_id, order_id FROM order_jobs
              WHERE lane = $2 AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
              ORDER BY deadline
              LIMIT $4
              FOR UPDATE SKIP LOCKED) AS picked
      WHERE j.shop_id = picked.shop_id AND j.order_id = picked.order_id
      RETURNING j.*`,
    [input.now, input.lane, input.workerId, input.limit, input.leaseMs],
    { prepared: 'creatorflow_claim_jobs' },
  );
  return rows.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
}

/**
 * The order has no more work for now: its job row goes. Only the lease holder may do it: the
 * worker, and with `lockedUntil` the very claim.
 */
export async function completeJob(
  db: Queryable,
  input: { shopId: string; orderId: string; workerId: string; lockedUntil?: Date | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM order_jobs WHERE shop_id = $1 AND order_id = $2 AND locked_by = $3 AND ${sameClaim('$4')}`,
    [input.shopId, input.orderId, input.workerId, input.lockedUntil ?? null],
    { prepared: 'creatorflow_complete_job' },
  );
  return rowCount === 1;
}

/**
 * The order's next step is ready at `runAt`: keep the job, release the lease, reset the attempt
 * count, and give it a new `deadline` when one is given (the order met its SLA; see StepOutcome).
 */
export async function continueJob(
  db: Queryable,
  input: {
    shopId: string;
    orderId: string;
    workerId: string;
    /** The claim's lease end: only that claim may release the job (see completeJob). */
    lockedUntil?: Date | null;
    runAt: Date;
    deadline?: Date | undefined;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE order_jobs
        SET locked_by = NULL, locked_until = NULL, attempts = 0, last_error = NULL, run_at = $4,
            deadline = coalesce($5, deadline)
      WHERE shop_id = $1 AND order_id = $2 AND locked_by = $3 AND ${sameClaim('$6')}`,
    [
      input.shopId,
      input.orderId,
      input.workerId,
      input.runAt,
      input.deadline ?? null,
      input.lockedUntil ?? null,
    ],
    { prepared: 'creatorflow_continue_job' },
  );
  return rowCount === 1;
}

/** A step failed but may succeed later: release the lease and run again at `retryAt`. */
export async function retryJobLater(
  db: Queryable,
  input: {
    shopId: string;
    orderId: string;
    workerId: string;
    /** The claim's lease end: only that claim may hand the job back (see completeJob). */
    lockedUntil?: Date | null;
    retryAt: Date;
    error: string;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE order_jobs SET locked_by = NULL, locked_until = NULL, run_at = $4, last_error = $5
      WHERE shop_id = $1 AND order_id = $2 AND locked_by = $3 AND ${sameClaim('$6')}`,
    [
      input.shopId,
      input.orderId,
      input.workerId,
      input.retryAt,
      input.error.slice(0, 1000),
      input.lockedUntil ?? null,
    ],
  );
  return rowCount === 1;
}

/**
 * Moves a queued order to another lane at once (a viral spike), with the deadline that lane gives
 * it, keeping whichever deadline is sooner. Works whether or not a worker holds it.
 */
export async function escalateJobs(
  db: Queryable,
  input: { shopId: string; orderIds: readonly string[]; lane: Priority; deadline: Date },
): Promise<number> {
  const { rows } = await db.query<{ moved: number }>(
    `WITH moved AS (
       UPDATE order_jobs SET lane = $3, deadline = LEAST(deadline, $4)
        WHERE shop_id = $1 AND order_id = ANY($2::text[]) AND lane <> $3
        RETURNING 1),
     woken AS (SELECT pg_notify($5, $3) WHERE EXISTS (SELECT 1 FROM moved))
     SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM woken) AS notified`,
    [input.shopId, input.orderIds, input.lane, input.deadline, JOBS_CHANNEL],
  );
  return rows[0]?.moved ?? 0;
}

/** Queue depth and oldest deadline per lane, for the dashboard and /metrics. */
export async function laneDepths(
  db: Queryable,
): Promise<{ lane: Priority; depth: number; oldest_deadline: Date | null }[]> {
  const { rows } = await db.query<{ lane: Priority; depth: number; oldest_deadline: Date | null }>(
    `SELECT lane, count(*)::int AS depth, min(deadline) AS oldest_deadline FROM order_jobs GROUP BY lane ORDER BY lane`,
  );
  return rows;
}

/** Parks an order's job until it is released: 'infinity' is never due, and its lease is dropped. */
export async function holdJob(db: Queryable, input: { shopId: string; orderId: string }): Promise<void> {
  await db.query(
    `UPDATE order_jobs SET run_at = 'infinity', locked_by = NULL, locked_until = NULL
      WHERE shop_id = $1 AND order_id = $2`,
    [input.shopId, input.orderId],
  );
}

/** Makes a held order's job due again at `runAt`. */
export async function releaseJob(
  db: Queryable,
  input: { shopId: string; orderId: string; runAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE order_jobs SET run_at = $3 WHERE shop_id = $1 AND order_id = $2 AND run_at = 'infinity'`,
    [input.shopId, input.orderId, input.runAt],
  );
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
  db: Queryable,
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
): Promise<OrderJob[]> {
  const { rows } = await db.query<OrderJob>(
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
  db: Queryable,
  input: {
    /** `workerId` null: any holder (an unfenced caller, as transitionOrders allows). */
    jobs: readonly { shopId: string; orderId: string; workerId: string | null; lockedUntil: Date | null }[];
    endStates: readonly OrderState[];
    /** Commit without waiting for the disk (QueryOptions.asyncCommit): a lost removal leaves the job. */
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
