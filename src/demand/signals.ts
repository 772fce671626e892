// Content signals about a product: a trending hashtag, a creator's video, its view count.
import { z } from 'zod';
import type { Queryable } from '../db/index.ts';

export const SIGNAL_KINDS = ['hashtag', 'creator', 'views'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** How far ahead of our clock an observation may be dated (the sender's clock may run fast). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const common = {
  shop_id: z.string().trim().min(1).max(64),
  product_id: z.string().trim().min(1).max(64),
  observed_at: z.iso.datetime({ offset: true }).optional(),
};
// Hashtags and creators are stored without their # or @ and in lower case, so rules match either way.
const handle = (what: string, prefix: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v.startsWith(prefix) ? v.slice(1) : v).toLowerCase())
    .pipe(z.string().min(1, `${what} must not be empty`).max(200));

/** POST /api/signals body: the value's type follows the kind. */
export const signalSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('hashtag'), value: handle('a hashtag', '#') }),
  z.object({ ...common, kind: z.literal('creator'), value: handle('a creator', '@') }),
  z.object({
    ...common,
    kind: z.literal('views'),
    value: z
      .number({ error: 'views needs a number' })
      .int('views needs a whole number')
      .min(0, 'views cannot be negative')
      .max(Number.MAX_SAFE_INTEGER),
  }),
]);
export type SignalInput = z.infer<typeof signalSchema>;

export interface StoredSignal {
  id: number;
  shop_id: string;
  product_id: string;
  kind: SignalKind;
  value: string | number;
  observed_at: Date;
  received_at: Date;
}

const COLUMNS = `id::int AS id, shop_id, product_id, kind, coalesce(text_value, number_value::text) AS value,
  number_value, observed_at, received_at`;

function shape(row: StoredSignal & { number_value: number | null }): StoredSignal {
  const { number_value: n, ...rest } = row;
  return { ...rest, value: n ?? rest.value };
}

/** Stores one signal. */
export async function storeSignal(
  db: Queryable,
  input: { signal: SignalInput; observedAt: Date; now: Date },
): Promise<StoredSignal> {
  const s = input.signal;
  const { rows } = await db.query<StoredSignal & { number_value: number | null }>(
    `INSERT INTO content_signals (shop_id, product_id, kind, text_value, number_value, observed_at, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${COLUMNS}`,
    [
      s.shop_id,
      s.product_id,
      s.kind,
      s.kind === 'views' ? null : s.value,
      s.kind === 'views' ? s.value : null,
      input.observedAt,
      input.now,
    ],
  );
  return shape(rows[0] as StoredSignal & { number_value: number | null });
}

/** The newest signals of a shop (optionally of one product). */
export async function listSignals(
  db: Queryable,
  input: { shopId: string; productId?: string | undefined; limit: number },
): Promise<StoredSignal[]> {
  const { rows } = await db.query<StoredSignal & { number_value: number | null }>(
    `SELECT ${COLUMNS} FROM content_signals
      WHERE shop_id = $1 AND ($2::text IS NULL OR product_id = $2)
      ORDER BY observed_at DESC, id DESC LIMIT $3`,
    [input.shopId, input.productId ?? null, input.limit],
  );
  return rows.map(shape);
}
