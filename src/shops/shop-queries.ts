import type { Queryable } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import type { ShipFrom, ShopInput } from './shop-input.ts';

/** A shop as the operator API shows it: tokens are never returned. */
export interface ShopView {
  shop_id: string;
  name: string;
  region: string | null;
  status: 'active' | 'deauthorized';
  ship_from: ShipFrom | null;
  access_token_expires_at: Date | null;
  has_refresh_token: boolean;
  created_at: Date;
  updated_at: Date;
}

const VIEW_COLUMNS = `shop_id, name, region, status, ship_from, access_token_expires_at,
  refresh_token IS NOT NULL AS has_refresh_token, created_at, updated_at`;

/** Registers a shop, or updates it (re-activating a de-authorised one); returns it and whether it is new. */
export async function upsertShop(
  db: Queryable,
  input: ShopInput,
): Promise<{ shop: ShopView; created: boolean }> {
  const { rows } = await db.query<ShopView & { created: boolean }>(
    `INSERT INTO shops (shop_id, shop_cipher, access_token, refresh_token, access_token_expires_at, name, ship_from)
     VALUES ($1, $2, $3, $4, to_timestamp($5), coalesce($6, ''), $7)
     ON CONFLICT (shop_id) DO UPDATE SET
       shop_cipher = excluded.shop_cipher,
       access_token = excluded.access_token,
       refresh_token = coalesce(excluded.refresh_token, shops.refresh_token),
       access_token_expires_at = coalesce(excluded.access_token_expires_at, shops.access_token_expires_at),
       name = CASE WHEN $6::text IS NULL THEN shops.name ELSE excluded.name END,
       ship_from = excluded.ship_from,
       status = 'active',
       updated_at = now()
     RETURNING ${VIEW_COLUMNS}, (xmax = 0) AS created`,
    [
      input.shop_id,
      input.shop_cipher,
      input.access_token,
      input.refresh_token ?? null,
      input.access_token_expire_in ?? null,
      input.name ?? null,
      JSON.stringify(input.ship_from),
    ],
  );
  const { created, ...shop } = rows[0]!;
  return { shop, created };
}

/** One shop by TikTok's shop id. */
export async function getShop(db: Queryable, shopId: string): Promise<ShopView | undefined> {
  const { rows } = await db.query<ShopView>(`SELECT ${VIEW_COLUMNS} FROM shops WHERE shop_id = $1`, [shopId]);
  return rows[0];
}

/** Throws NOT_FOUND, saying how to register it, unless the shop is registered. */
export async function assertShopRegistered(db: Queryable, shopId: string): Promise<void> {
  const { rows } = await db.query(`SELECT 1 FROM shops WHERE shop_id = $1`, [shopId]);
  if (rows.length === 0)
    throw new AppError('NOT_FOUND', `No shop ${shopId} is registered; register it with POST /api/shops`);
}

/** Every shop, by name. */
export async function listShops(db: Queryable): Promise<ShopView[]> {
  const { rows } = await db.query<ShopView>(`SELECT ${VIEW_COLUMNS} FROM shops ORDER BY name, shop_id`);
  return rows;
}
