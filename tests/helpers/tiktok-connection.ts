import type { Database } from '../../src/db/index.ts';
import type { TokenGrant, AuthorizedShop } from '../../src/integrations/tiktok/index.ts';
import type { NotifyRoutes } from '../../src/notify/index.ts';
import { upsertAuthorizedShop } from '../../src/shops/oauth-queries.ts';

/** Alerts to the team lead by e-mail only, so an alert is one outbox row. */
export const LEAD_ONLY: NotifyRoutes = {
  team_lead: [{ channel: 'email', target: 'lead@shop.test' }],
  devops: [],
  fulfillment_team: [],
};

/** Registers a simulator shop in our database as the OAuth callback would, optionally overriding token expiry. */
export async function registerSimShop(
  db: Database,
  input: { shop: AuthorizedShop; grant: TokenGrant; accessTokenExpiresAt?: Date },
): Promise<void> {
  await upsertAuthorizedShop(db, { shop: input.shop, grant: input.grant, now: new Date() });
  if (input.accessTokenExpiresAt) {
    await db.query(`UPDATE shops SET access_token_expires_at = $2 WHERE shop_id = $1`, [
      input.shop.id,
      input.accessTokenExpiresAt,
    ]);
  }
}
