// SQL for spike detection: arrivals from stored orders, episodes, escalation of the orders affected.
import type { Queryable } from '../db/index.ts';

export interface Arrival {
  product_id: string;
  order_id: string;
  received_at: Date;
}

/** Orders of these products stored after `since`, oldest first (an order counts once per product). */
export async function arrivalsSince(
  db: Queryable,
  input: { shopId: string; productIds: readonly string[]; since: Date },
): Promise<Arrival[]> {
  const { rows } = await db.query<Arrival>(
    `SELECT DISTINCT product_id, order_id, received_at
       FROM order_lines
      WHERE shop_id = $1 AND product_id = ANY($2::text[]) AND received_at > $3
      ORDER BY received_at, order_id`,
    [input.shopId, input.productIds, input.since],
  );
  return rows;
}

export interface EpisodeRow {
  id: number;
  shop_id: string;
  product_id: string;
  detected_by: 'early' | 'threshold';
  started_at: Date;
  ended_at: Date | null;
  peak_per_hour: number;
  baseline_per_hour: number;
  escalated_jobs: number;
  detail: Record<string, unknown>;
}

const EPISODE_COLUMNS = `id::int AS id, shop_id, product_id, detected_by, started_at, ended_at, peak_per_hour,
  baseline_per_hour, escalated_jobs, detail`;

/**
 * Opens the product's episode, or returns undefined when one is already open (another process
 * detected it first: the partial unique index lets exactly one insert win).
 */
export async function openEpisode(
  tx: Queryable,
  input: {
    shopId: string;
    productId: string;
    detectedBy: 'early' | 'threshold';
    startedAt: Date;
    peakPerHour: number;
    baselinePerHour: number;
  },
): Promise<EpisodeRow | undefined> {
  const { rows } = await tx.query<EpisodeRow>(
    `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, peak_per_hour, baseline_per_hour)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING
     RETURNING ${EPISODE_COLUMNS}`,
    [
      input.shopId,
      input.productId,
      input.detectedBy,
      input.startedAt,
      input.peakPerHour,
      input.baselinePerHour,
    ],
  );
  return rows[0];
}

/** The product's open episode, if any. */
export async function findOpenEpisode(
  db: Queryable,
  shopId: string,
  productId: string,
): Promise<EpisodeRow | undefined> {
  const { rows } = await db.query<EpisodeRow>(
    `SELECT ${EPISODE_COLUMNS} FROM spike_episodes WHERE shop_id = $1 AND product_id = $2 AND ended_at IS NULL`,
    [shopId, productId],
  );
  return rows[0];
}

/** When the product's last episode ended (null if none ever did). */
export async function lastEpisodeEnd(db: Queryable, shopId: string, productId: string): Promise<Date | null> {
  const { rows } = await db.query<{ ended_at: Date | null }>(
    `SELECT max(ended_at) AS ended_at FROM spike_episodes WHERE shop_id = $1 AND product_id = $2`,
    [shopId, productId],
  );
  return rows[0]?.ended_at ?? null;
}

/** Records what the start did (escalations, purchase orders) on the episode. */
export async function recordEpisodeActions(
  tx: Queryable,
  input: { id: number; escalatedJobs: number; detail: Record<string, unknown> },
): Promise<void> {
  await tx.query(
    `UPDATE spike_episodes SET escalated_jobs = $2, detail = detail || $3::jsonb WHERE id = $1`,
    [input.id, input.escalatedJobs, JSON.stringify(input.detail)],
  );
}

/** Raises the stored peak rate of an open episode. */
export async function raisePeak(db: Queryable, input: { id: number; peakPerHour: number }): Promise<void> {
  await db.query(
    `UPDATE spike_episodes SET peak_per_hour = GREATEST(peak_per_hour, $2) WHERE id = $1 AND ended_at IS NULL`,
    [input.id, input.peakPerHour],
  );
}

/** Closes an episode (once: a second close, from another process, changes nothing). */
export async function closeEpisode(
  db: Queryable,
  input: { id: number; endedAt: Date; peakPerHour: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE spike_episodes SET ended_at = $2, peak_per_hour = GREATEST(peak_per_hour, $3)
      WHERE id = $1 AND ended_at IS NULL`,
    [input.id, input.endedAt, input.peakPerHour],
  );
  return rowCount === 1;
}

/** Episodes still open, for the processes that did not see them start. */
export async function listOpenEpisodes(db: Queryable): Promise<EpisodeRow[]> {
  const { rows } = await db.query<EpisodeRow>(
    `SELECT ${EPISODE_COLUMNS} FROM spike_episodes WHERE ended_at IS NULL ORDER BY id`,
  );
  return rows;
}

/** Episodes, newest first: the open ones and the past ones. */
export async function listEpisodes(
  db: Queryable,
  input: { shopId?: string | undefined; productId?: string | undefined; limit: number },
): Promise<EpisodeRow[]> {
  const { rows } = await db.query<EpisodeRow>(
    `SELECT ${EPISODE_COLUMNS} FROM spike_episodes
      WHERE ($1::text IS NULL OR shop_id = $1) AND ($2::text IS NULL OR product_id = $2)
      ORDER BY (ended_at IS NULL) DESC, started_at DESC, id DESC LIMIT $3`,
    [input.shopId ?? null, input.productId ?? null, input.limit],
  );
  return rows;
}

/**
 * Orders of the product still waiting for their label in a queue lane other than viral. An order
 * with its label has met its SLA and only waits for the carrier: moving it would gain nothing and
 * give its parcel checks the viral lane's deadline.
 */
export async function queuedOrdersOf(tx: Queryable, shopId: string, productId: string): Promise<string[]> {
  const { rows } = await tx.query<{ order_id: string }>(
    `SELECT j.order_id FROM order_jobs j
       JOIN orders o ON o.shop_id = j.shop_id AND o.order_id = j.order_id
      WHERE j.shop_id = $1 AND j.lane <> 'viral'
        AND o.state IN ('received', 'validated', 'processing', 'inventory_reserved')
        AND EXISTS (SELECT 1 FROM order_lines l
                     WHERE l.shop_id = j.shop_id AND l.order_id = j.order_id AND l.product_id = $2)
      ORDER BY j.order_id`,
    [shopId, productId],
  );
  return rows.map((r) => r.order_id);
}

/** Units of each SKU of the product ordered in the day before `at` (the base of a re-order). */
export async function unitsBySku(
  db: Queryable,
  input: { shopId: string; productId: string; at: Date },
): Promise<{ seller_sku: string; units: number }[]> {
  const { rows } = await db.query<{ seller_sku: string; units: number }>(
    `SELECT coalesce(nullif(l.seller_sku, ''), l.sku_id) AS seller_sku, sum(l.quantity)::int AS units
       FROM order_lines l
      WHERE l.shop_id = $1 AND l.product_id = $2
        AND l.received_at > $3::timestamptz - interval '24 hours' AND l.received_at <= $3
      GROUP BY 1 ORDER BY 1`,
    [input.shopId, input.productId, input.at],
  );
  return rows;
}
