import type { Database, Queryable } from '../db/index.ts';
import { LeaseLostError, sameClaim, type JobClaim } from './job-queries.ts';

/** Whose lease a step runs under: the order, and the claim of its job (worker and lease end). */
export type Lease = JobClaim & { readonly lockedUntil: Date };

/**
 * The database a step runs with while its worker holds the order's job lease: every transaction
 * first locks the order row and checks that the claim the step runs under still holds the job, or
 * throws LeaseLostError and records nothing. So a worker that stalled past its lease (even if its
 * own process claimed the order again since), or whose order an operator put on hold meanwhile
 * (which drops the lease), cannot commit a step another claim may already be redoing. Single
 * statements outside a transaction pass unchecked.
 */
export function fencedByLease(db: Database, lease: Lease): Database {
  return {
    kind: db.kind,
    query: (text, params, options) => db.query(text, params, options),
    exec: (script) => db.exec(script),
    listen: (channel, handler) => db.listen(channel, handler),
    close: () => db.close(),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await holdLease(tx, lease);
        return fn(tx);
      }),
  };
}

/**
 * In the caller's transaction: locks the order row, then checks that the claim still holds its
 * job, or throws LeaseLostError. Two statements, in this order: a hold committed while this waited
 * for the order's lock is seen by the second one (one statement would judge the job by the
 * snapshot it started with). The order is locked before the job is read, the order in which the
 * operator actions, spike escalation and the steps' own writes take them, so none of them can
 * deadlock with a step. A claim by another worker that slips in meanwhile waits on this order row
 * before its own step can write.
 */
export async function holdLease(tx: Queryable, lease: Lease): Promise<void> {
  await tx.query(
    `SELECT 1 FROM orders WHERE shop_id = $1 AND order_id = $2 FOR NO KEY UPDATE`,
    [lease.shopId, lease.orderId],
    { prepared: 'creatorflow_lock_order_row' },
  );
  const { rows } = await tx.query(
    `SELECT 1 FROM order_jobs WHERE shop_id = $1 AND order_id = $2 AND locked_by = $3 AND ${sameClaim('$4')}`,
    [lease.shopId, lease.orderId, lease.workerId, lease.lockedUntil],
    { prepared: 'creatorflow_check_lease' },
  );
  if (rows.length === 0) throw new LeaseLostError(lease.orderId, lease.workerId);
}
