-- 0013 API keys for scripts and integrations (issue 17): each with a name and a role, stored as the
-- SHA-256 of its token (the token itself is shown once, when the key is made), revoked by a time
-- stamp so that the list still shows who had access. Keys are account-level: they carry no shop_id.

CREATE TABLE api_keys (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role        text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  token_hash  bytea NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
