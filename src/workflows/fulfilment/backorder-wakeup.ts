import type { Queryable } from '../../db/index.ts';
import { JOBS_CHANNEL } from '../../queue/index.ts';

/**
 * Makes the jobs of orders back-ordered on these SKUs due now (stock arrived), waking idle
 * workers. Held orders stay held. Returns how many orders were woken.
 */
export async function wakeBackOrdered(
  db: Queryable,
  shopId: string,
  sellerSkus: readonly string[],
): Promise<number> {
  const { rows } = await db.query<{ woken: number }>(
    `WITH woken AS (
       UPDATE order_jobs j SET run_at = now()
        WHERE (j.shop_id, j.order_id) IN (
                SELECT shop_id, order_id FROM backorders WHERE shop_id = $1 AND seller_sku = ANY($2::text[]))
          AND j.run_at > now() AND j.run_at <> 'infinity'
        RETURNING j.lane)
     SELECT count(*)::int AS woken, (SELECT count(*) FROM (SELECT pg_notify($3, lane) FROM (SELECT DISTINCT lane FROM woken) l) n) AS notified
       FROM woken`,
    [shopId, sellerSkus, JOBS_CHANNEL],
  );
  return rows[0]?.woken ?? 0;
}
