-- 0006 rules and demand: versioned rule sets, customers and their tags, product categories,
-- content signals, viral spike episodes, suppliers and purchase orders.

-- Every version of a rule set. shop_id NULL is the global default every shop without rules of its
-- own runs. Versions count up per scope and a published version's rules never change: publishing
-- retires the previous one, a rollback publishes a new version copied from an old one.
CREATE TABLE rule_sets (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id        text REFERENCES shops (shop_id),
  version        integer NOT NULL CHECK (version > 0),
  status         text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  rules          jsonb NOT NULL,
  -- The version a rollback copied, or the published version a draft started from.
  source_version integer,
  note           text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);
CREATE UNIQUE INDEX rule_sets_version ON rule_sets ((coalesce(shop_id, '')), version);
-- Exactly one published version and at most one draft per scope (NULL shop_id folded to '').
CREATE UNIQUE INDEX rule_sets_one_published ON rule_sets ((coalesce(shop_id, ''))) WHERE status = 'published';
CREATE UNIQUE INDEX rule_sets_one_draft ON rule_sets ((coalesce(shop_id, ''))) WHERE status = 'draft';

-- What a seller knows about a buyer (TikTok's user_id): tags such as vip or fraud, past fraud.
CREATE TABLE customers (
  shop_id       text NOT NULL REFERENCES shops (shop_id),
  buyer_user_id text NOT NULL,
  fraud_orders  integer NOT NULL DEFAULT 0 CHECK (fraud_orders >= 0),
  note          text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, buyer_user_id)
);
CREATE TABLE customer_tags (
  shop_id       text NOT NULL,
  buyer_user_id text NOT NULL,
  tag           text NOT NULL,
  PRIMARY KEY (shop_id, buyer_user_id, tag),
  FOREIGN KEY (shop_id, buyer_user_id) REFERENCES customers (shop_id, buyer_user_id) ON DELETE CASCADE
);

-- What a seller says about a product for the rules (TikTok's order lines carry no category).
CREATE TABLE product_profiles (
  shop_id    text NOT NULL REFERENCES shops (shop_id),
  product_id text NOT NULL,
  category   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, product_id)
);

-- Facts about a buyer's history and a product's demand are read from stored orders.
CREATE INDEX orders_by_buyer ON orders (shop_id, buyer_user_id, received_at);
CREATE INDEX order_lines_by_product ON order_lines (shop_id, product_id);

-- Content signals about a product (a trending hashtag, a creator's video, its view count).
CREATE TABLE content_signals (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id      text NOT NULL REFERENCES shops (shop_id),
  product_id   text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('hashtag', 'creator', 'views')),
  text_value   text,
  number_value bigint,
  observed_at  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'views') = (number_value IS NOT NULL) AND (kind = 'views') = (text_value IS NULL))
);
CREATE INDEX content_signals_recent ON content_signals (shop_id, product_id, observed_at);

-- A viral spike of one product: opened once (the partial unique index makes concurrent detectors
-- in several processes agree on one episode), closed when demand calms down.
CREATE TABLE spike_episodes (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id           text NOT NULL REFERENCES shops (shop_id),
  product_id        text NOT NULL,
  detected_by       text NOT NULL CHECK (detected_by IN ('early', 'threshold')),
  started_at        timestamptz NOT NULL,
  ended_at          timestamptz,
  peak_per_hour     double precision NOT NULL,
  baseline_per_hour double precision NOT NULL,
  escalated_jobs    integer NOT NULL DEFAULT 0,
  detail            jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE UNIQUE INDEX spike_episodes_one_open ON spike_episodes (shop_id, product_id) WHERE ended_at IS NULL;
CREATE INDEX spike_episodes_newest ON spike_episodes (started_at DESC);

-- Where a shop's re-orders go: a mailto: address or a webhook URL, per SKU or ('' ) for every SKU.
CREATE TABLE suppliers (
  shop_id    text NOT NULL REFERENCES shops (shop_id),
  seller_sku text NOT NULL DEFAULT '',
  target     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, seller_sku)
);

-- Re-orders to suppliers. At most one open (pending or sent) order per SKU: a second request while
-- one is open joins it instead of ordering twice.
CREATE TABLE purchase_orders (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id         text NOT NULL REFERENCES shops (shop_id),
  seller_sku      text NOT NULL,
  quantity        integer NOT NULL CHECK (quantity > 0),
  urgent          boolean NOT NULL DEFAULT false,
  reason          text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'received', 'cancelled')),
  supplier_target text,
  spike_id        bigint REFERENCES spike_episodes (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX purchase_orders_one_open ON purchase_orders (shop_id, seller_sku)
  WHERE status IN ('pending', 'sent');
