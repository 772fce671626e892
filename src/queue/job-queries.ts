import { claimWork, columnsOf, type ClaimableTable, type Queryable } from '../db/index.ts';
import type { Priority } from '../orders/index.ts';

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
    [...columnsOf(jobs, ['shopId', 'orderId', 'lane', 'deadline']), now, JOBS_CHANNEL],
  );
  return rows[0]?.added ?? 0;
}

/**
 * The lanes' queue as a work table (src/db/work-table.ts): a job is due once `run_at` has come and
 * no live lease holds it; a lane's jobs are claimed earliest deadline first, each named for its
 * worker (`locked_by`), so only that claim settles it.
 */
const ORDER_JOBS: ClaimableTable = {
  table: 'order_jobs',
  key: 'shop_id, order_id',
  returning: '*',
  due: 'run_at <= $1',
  claimOrder: 'deadline',
  ownerColumn: 'locked_by',
  partitionColumn: 'lane',
  prepared: 'creatorflow_claim_jobs',
};

/**
 * Claims up to `limit` runnable jobs of one lane, earliest deadline first, under a lease.
 * SKIP LOCKED lets many workers claim at once without waiting on, or taking, each other's rows;
 * a job whose lease has passed (its worker died) is runnable again.
 */
export async function claimJobs(
  db: Queryable,
  input: { lane: Priority; limit: number; workerId: string; leaseMs: number; now: Date },
): Promise<OrderJob[]> {
  const jobs = await claimWork<OrderJob>(db, ORDER_JOBS, {
    now: input.now,
    limit: input.limit,
    leaseMs: input.leaseMs,
    owner: input.workerId,
    partition: input.lane,
  });
  return jobs.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
}

/**
 * One claim of an order's job: the worker, and with `lockedUntil` (the claim's lease end) the very
 * claim. Only that claim may settle the job: a later claim of it, even by the same worker, differs.
 */
export interface JobClaim {
  readonly shopId: string;
  readonly orderId: string;
  readonly workerId: string;
  readonly lockedUntil?: Date | null;
}

/** The order has no more work for now: its job row goes, if `claim` still holds it. */
export async function completeJob(db: Queryable, input: JobClaim): Promise<boolean> {
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
  input: JobClaim & { runAt: Date; deadline?: Date | undefined },
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

/** A step failed but may succeed later: release the claim's lease and run again at `retryAt`. */
export async function retryJobLater(
  db: Queryable,
  input: JobClaim & { retryAt: Date; error: string },
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

/**
 * Moves one order's queued job to the lane its new priority gives it, due by `deadline` (the rules
 * changed the order's priority). Unlike a spike's escalation this keeps no sooner deadline: the
 * order's lane and SLA are what the rules now say.
 */
export async function moveJobToLane(
  db: Queryable,
  input: { shopId: string; orderId: string; lane: Priority; deadline: Date },
): Promise<void> {
  await db.query(`UPDATE order_jobs SET lane = $3, deadline = $4 WHERE shop_id = $1 AND order_id = $2`, [
    input.shopId,
    input.orderId,
    input.lane,
    input.deadline,
  ]);
}

/**
 * Makes the waiting jobs of these orders due now, waking idle workers (stock they waited for
 * arrived). Held jobs stay held. Returns how many were woken.
 */
export async function wakeJobs(
  db: Queryable,
  input: { shopId: string; orderIds: readonly string[] },
): Promise<number> {
  if (input.orderIds.length === 0) return 0;
  const { rows } = await db.query<{ woken: number }>(
    `WITH woken AS (
       UPDATE order_jobs SET run_at = now()
        WHERE shop_id = $1 AND order_id = ANY($2::text[]) AND run_at > now() AND run_at <> 'infinity'
        RETURNING lane)
     SELECT count(*)::int AS woken, (SELECT count(*) FROM (SELECT pg_notify($3, lane) FROM (SELECT DISTINCT lane FROM woken) l) n) AS notified
       FROM woken`,
    [input.shopId, input.orderIds, JOBS_CHANNEL],
  );
  return rows[0]?.woken ?? 0;
}

/** Takes an order's job out of the queue, whoever holds it (the order's work is over for good). */
export async function removeJob(db: Queryable, input: { shopId: string; orderId: string }): Promise<void> {
  await db.query(`DELETE FROM order_jobs WHERE shop_id = $1 AND order_id = $2`, [
    input.shopId,
    input.orderId,
  ]);
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
