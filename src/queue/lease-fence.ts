import type { Database, Queryable } from '../db/index.ts';
import { LeaseLostError } from './job-queries.ts';

/** Whose lease a step runs under: the order, and the worker that claimed its job. */
export interface Lease {
  readonly shopId: string;
  readonly orderId: string;
  readonly workerId: string;
}

/**
 * The database a step runs with while its worker holds the order's job lease: every transaction
 * first checks that the lease is still this worker's and locks the order row, or throws
 * LeaseLostError and records nothing. So a worker that stalled past its lease, or whose order an
 * operator put on hold meanwhile (which drops the lease), cannot commit a step another worker may
 * already be redoing. Single statements outside a transaction pass unchecked.
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
 * In the caller's transaction: locks the order row while `workerId` still holds its job's lease,
 * or throws LeaseLostError. The order is locked before the job is read, the order in which the
 * operator actions and the steps' own writes take them, so no two of them can deadlock; a claim
 * by another worker that slips in meanwhile waits on this order row before its step can write.
 */
export async function holdLease(tx: Queryable, lease: Lease): Promise<void> {
  const { rows } = await tx.query(
    `SELECT 1 FROM orders o JOIN order_jobs j ON j.shop_id = o.shop_id AND j.order_id = o.order_id
      WHERE o.shop_id = $1 AND o.order_id = $2 AND j.locked_by = $3
        FOR NO KEY UPDATE OF o`,
    [lease.shopId, lease.orderId, lease.workerId],
    { prepared: 'creatorflow_hold_lease' },
  );
  if (rows.length === 0) throw new LeaseLostError(lease.orderId, lease.workerId);
}
