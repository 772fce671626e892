import type { Queryable } from '../../db/index.ts';
import { wakeJobs } from '../../queue/index.ts';

/**
 * Makes the jobs of orders back-ordered on these SKUs due now (stock arrived), waking idle
 * workers. Held orders stay held. Returns how many orders were woken.
 */
export async function wakeBackOrdered(
  db: Queryable,
  shopId: string,
  sellerSkus: readonly string[],
): Promise<number> {
  const { rows } = await db.query<{ order_id: string }>(
    `SELECT DISTINCT order_id FROM backorders WHERE shop_id = $1 AND seller_sku = ANY($2::text[])`,
    [shopId, sellerSkus],
  );
  return wakeJobs(db, { shopId, orderIds: rows.map((r) => r.order_id) });
}
