import type { Queryable } from '../db/index.ts';
import type { TokenGrant } from '../integrations/tiktok/index.ts';

/** What token refresh needs of a shop. Never leaves the server. */
export interface ShopTokens {
  shop_id: string;
  shop_cipher: string;
  name: string;
  open_id: string | null;
  status: 'active' | 'deauthorized';
  access_token: string | null;
  access_token_expires_at: Date | null;
  refresh_token: string | null;
  refresh_token_expires_at: Date | null;
  auth_problem: string | null;
}

/** One shop's tokens, or undefined when no such shop is registered. */
export async function readShopTokens(db: Queryable, shopId: string): Promise<ShopTokens | undefined> {
  const { rows } = await db.query<ShopTokens>(
    `SELECT shop_id, shop_cipher, name, open_id, status, access_token, access_token_expires_at,
            refresh_token, refresh_token_expires_at, auth_problem
       FROM shops WHERE shop_id = $1`,
    [shopId],
  );
  return rows[0];
}

/**
 * Stores a refreshed token pair on the shop and on every other shop of the same seller (one grant
 * covers all of a seller's shops, and a refresh token works once). Returns the shop ids updated.
 */
export async function storeTokenGrant(
  db: Queryable,
  input: { shopId: string; openId: string | null; grant: TokenGrant; now: Date },
): Promise<string[]> {
  const { rows } = await db.query<{ shop_id: string }>(
    `UPDATE shops
        SET access_token = $3, access_token_expires_at = to_timestamp($4),
            refresh_token = $5, refresh_token_expires_at = to_timestamp($6),
            open_id = coalesce(open_id, $7), token_refreshed_at = $8, updated_at = $8
      WHERE shop_id = $1 OR ($2::text IS NOT NULL AND open_id = $2)
      RETURNING shop_id`,
    [
      input.shopId,
      input.openId,
      input.grant.access_token,
      input.grant.access_token_expire_in,
      input.grant.refresh_token,
      input.grant.refresh_token_expire_in,
      input.grant.open_id || null,
      input.now,
    ],
  );
  return rows.map((r) => r.shop_id).sort();
}

/**
 * Marks the shop and its seller's other active shops as no longer authorised, with the reason.
 * Returns the shops newly marked (none when another process marked them first).
 */
export async function markAuthorizationLost(
  db: Queryable,
  input: { shopId: string; openId: string | null; reason: string; now: Date },
): Promise<{ shop_id: string; name: string }[]> {
  const { rows } = await db.query<{ shop_id: string; name: string }>(
    `UPDATE shops SET status = 'deauthorized', auth_problem = $3, auth_problem_at = $4, updated_at = $4
      WHERE (shop_id = $1 OR ($2::text IS NOT NULL AND open_id = $2)) AND status = 'active'
      RETURNING shop_id, name`,
    [input.shopId, input.openId, input.reason.slice(0, 1000), input.now],
  );
  return rows.sort((a, b) => a.shop_id.localeCompare(b.shop_id));
}

/** Active shops whose access token expires before `before` and that can be refreshed, soonest first. */
export async function shopsDueForRefresh(
  db: Queryable,
  input: { before: Date; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ shop_id: string }>(
    `SELECT shop_id FROM shops
      WHERE status = 'active' AND refresh_token IS NOT NULL AND access_token_expires_at < $1
      ORDER BY access_token_expires_at, shop_id LIMIT $2`,
    [input.before, input.limit],
  );
  return rows.map((r) => r.shop_id);
}

/** Active shops whose refresh token (the authorisation itself) runs out before `before`. */
export async function shopsWithAuthorizationEnding(
  db: Queryable,
  before: Date,
): Promise<{ shop_id: string; name: string; refresh_token_expires_at: Date }[]> {
  const { rows } = await db.query<{ shop_id: string; name: string; refresh_token_expires_at: Date }>(
    `SELECT shop_id, name, refresh_token_expires_at FROM shops
      WHERE status = 'active' AND refresh_token_expires_at < $1
      ORDER BY refresh_token_expires_at, shop_id`,
    [before],
  );
  return rows;
}
