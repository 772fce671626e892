import type { Queryable } from '../db/index.ts';

/**
 * Takes the shop's reconciliation lease when nobody holds it (or its holder's lease ran out) and,
 * with `notRunSince`, only when the shop was not reconciled since then. Returns the watermark
 * (unix seconds, null before the first run), or undefined when the shop is not ours to reconcile now.
 */
export async function leaseShopForReconcile(
  db: Queryable,
  input: { shopId: string; owner: string; now: Date; leaseMs: number; notRunSince: Date | null },
): Promise<{ watermark: number | null } | undefined> {
  const { rows } = await db.query<{ watermark: string | number | null }>(
    `INSERT INTO reconcile_watermarks (shop_id, leased_by, leased_until)
     VALUES ($1, $2, $3::timestamptz + $4 * interval '1 millisecond')
     ON CONFLICT (shop_id) DO UPDATE SET leased_by = excluded.leased_by, leased_until = excluded.leased_until
      WHERE (reconcile_watermarks.leased_until IS NULL OR reconcile_watermarks.leased_until < $3)
        AND ($5::timestamptz IS NULL OR reconcile_watermarks.last_run_at IS NULL
             OR reconcile_watermarks.last_run_at <= $5)
     RETURNING watermark`,
    [input.shopId, input.owner, input.now, input.leaseMs, input.notRunSince],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { watermark: row.watermark === null ? null : Number(row.watermark) };
}

/** Extends the lease while pages are being stored; false when the lease was lost to another process. */
export async function renewReconcileLease(
  db: Queryable,
  input: { shopId: string; owner: string; now: Date; leaseMs: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE reconcile_watermarks SET leased_until = $3::timestamptz + $4 * interval '1 millisecond'
      WHERE shop_id = $1 AND leased_by = $2`,
    [input.shopId, input.owner, input.now, input.leaseMs],
  );
  return rowCount === 1;
}

/**
 * Ends a run: moves the watermark forward (never back) when the run stored everything up to it,
 * records the outcome and frees the lease. Does nothing if the lease is no longer this owner's.
 */
export async function finishReconcile(
  db: Queryable,
  input: {
    shopId: string;
    owner: string;
    now: Date;
    watermark: number | null;
    found: number;
    stored: number;
    error: string | null;
  },
): Promise<void> {
  await db.query(
    `UPDATE reconcile_watermarks
        SET watermark = CASE WHEN $4::bigint IS NULL THEN watermark ELSE greatest(coalesce(watermark, 0), $4) END,
            leased_by = NULL, leased_until = NULL, last_run_at = $3,
            last_found = $5, last_stored = $6, last_error = $7
      WHERE shop_id = $1 AND leased_by = $2`,
    [
      input.shopId,
      input.owner,
      input.now,
      input.watermark,
      input.found,
      input.stored,
      input.error?.slice(0, 1000) ?? null,
    ],
  );
}

/** Shops that can be reconciled: active and holding an access token. */
export async function reconcilableShopIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ shop_id: string }>(
    `SELECT shop_id FROM shops WHERE status = 'active' AND access_token IS NOT NULL ORDER BY shop_id`,
  );
  return rows.map((r) => r.shop_id);
}

/**
 * TikTok update times CreatorFlow already holds for these orders (orders.tiktok_update_time). An
 * order found by search at an update time already processed came by webhook: nothing to recover.
 */
export async function knownUpdateTimes(
  db: Queryable,
  input: { shopId: string; orderIds: readonly string[] },
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ order_id: string; tiktok_update_time: number }>(
    `SELECT order_id, tiktok_update_time FROM orders WHERE shop_id = $1 AND order_id = ANY($2::text[])`,
    [input.shopId, input.orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, Number(r.tiktok_update_time)]));
}
