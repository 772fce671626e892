import { createHash } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { AuthorizedShop, TokenGrant } from '../integrations/tiktok/index.ts';

/** Only a hash of a state is stored, so the table alone cannot complete anyone's authorisation. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** Records a new state valid until `expiresAt`; drops states that ended more than a day ago. */
export async function insertOauthState(
  db: Queryable,
  input: { state: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.query(`DELETE FROM oauth_states WHERE expires_at < $1::timestamptz - interval '1 day'`, [
    input.now,
  ]);
  await db.query(`INSERT INTO oauth_states (state_hash, created_at, expires_at) VALUES ($1, $2, $3)`, [
    hashState(input.state),
    input.now,
    input.expiresAt,
  ]);
}

export type StateCheck = 'accepted' | 'unknown' | 'used' | 'expired';

/** Accepts a state once, before it expires; otherwise says why not. */
export async function consumeOauthState(
  db: Queryable,
  input: { state: string; now: Date },
): Promise<StateCheck> {
  const hash = hashState(input.state);
  const { rowCount } = await db.query(
    `UPDATE oauth_states SET used_at = $2 WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [hash, input.now],
  );
  if (rowCount === 1) return 'accepted';
  const { rows } = await db.query<{ used_at: Date | null }>(
    `SELECT used_at FROM oauth_states WHERE state_hash = $1`,
    [hash],
  );
  const row = rows[0];
  if (!row) return 'unknown';
  return row.used_at ? 'used' : 'expired';
}

/** Makes an accepted state usable again (the authorisation failed on TikTok's side, not the seller's). */
export async function releaseOauthState(db: Queryable, state: string): Promise<void> {
  await db.query(`UPDATE oauth_states SET used_at = NULL WHERE state_hash = $1`, [hashState(state)]);
}

/**
 * Registers or updates a shop the seller just authorised, with its cipher and the seller's tokens;
 * re-activates it and clears any past authorisation problem. The ship-from address is kept.
 */
export async function upsertAuthorizedShop(
  db: Queryable,
  input: { shop: AuthorizedShop; grant: TokenGrant; now: Date },
): Promise<{ shop_id: string; name: string; created: boolean; has_ship_from: boolean }> {
  const { shop, grant } = input;
  const { rows } = await db.query<{
    shop_id: string;
    name: string;
    created: boolean;
    has_ship_from: boolean;
  }>(
    `INSERT INTO shops (shop_id, shop_cipher, name, region, seller_type, open_id, access_token,
                        access_token_expires_at, refresh_token, refresh_token_expires_at, token_refreshed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), $9, to_timestamp($10), $11)
     ON CONFLICT (shop_id) DO UPDATE SET
       shop_cipher = excluded.shop_cipher, name = excluded.name, region = excluded.region,
       seller_type = excluded.seller_type, open_id = excluded.open_id,
       access_token = excluded.access_token, access_token_expires_at = excluded.access_token_expires_at,
       refresh_token = excluded.refresh_token, refresh_token_expires_at = excluded.refresh_token_expires_at,
       token_refreshed_at = excluded.token_refreshed_at,
       status = 'active', auth_problem = NULL, auth_problem_at = NULL, updated_at = $11
     RETURNING shop_id, name, (xmax = 0) AS created, ship_from IS NOT NULL AS has_ship_from`,
    [
      shop.id,
      shop.cipher,
      shop.name,
      shop.region || null,
      shop.seller_type || null,
      grant.open_id || null,
      grant.access_token,
      grant.access_token_expire_in,
      grant.refresh_token,
      grant.refresh_token_expire_in,
      input.now,
    ],
  );
  return rows[0]!;
}
