-- 0005 TikTok connection: OAuth states, token refresh bookkeeping on shops, and per-shop
-- reconciliation watermarks with a lease. (The shared API request budget lives in Redis, or in the
-- process without it: see docs/tiktok-connection.md.)

-- One row per authorisation link handed to an operator. Only a SHA-256 of the state is kept, so a
-- leaked table cannot be replayed; a state is accepted once (used_at) and only before expires_at.
CREATE TABLE oauth_states (
  state_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);

-- open_id: the TikTok seller the tokens belong to. One authorisation grants one token pair for all
-- of a seller's shops, so a refresh is serialised per seller and stored on each of its shops.
ALTER TABLE shops ADD COLUMN open_id text;
-- Why the shop stopped working (e.g. its refresh token was rejected) and since when; cleared when
-- the seller authorises again.
ALTER TABLE shops ADD COLUMN auth_problem text;
ALTER TABLE shops ADD COLUMN auth_problem_at timestamptz;
ALTER TABLE shops ADD COLUMN token_refreshed_at timestamptz;
CREATE INDEX shops_by_open_id ON shops (open_id) WHERE open_id IS NOT NULL;
CREATE INDEX shops_token_expiry ON shops (access_token_expires_at) WHERE status = 'active';

-- Reconciliation by order search: `watermark` (unix seconds) is TikTok's update_time up to which
-- every order of the shop has been fed to the inbox. A process holds the shop's lease while it
-- reconciles, so two processes never search the same shop at once; a crashed one's lease expires.
CREATE TABLE reconcile_watermarks (
  shop_id      text PRIMARY KEY REFERENCES shops (shop_id),
  watermark    bigint,
  leased_by    text,
  leased_until timestamptz,
  last_run_at  timestamptz,
  last_found   integer NOT NULL DEFAULT 0,
  last_stored  integer NOT NULL DEFAULT 0,
  last_error   text
);
