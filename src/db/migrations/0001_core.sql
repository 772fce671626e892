-- 0001 core: shops (the tenants), orders and their lines, the append-only order timeline and the
-- webhook inbox. Every tenant-owned row carries shop_id first in its key, so tenants can be isolated
-- by row-level security and tables partitioned by shop later without rewriting keys.

CREATE TABLE shops (
  shop_id                  text PRIMARY KEY,
  shop_cipher              text NOT NULL,
  name                     text NOT NULL DEFAULT '',
  region                   text,
  seller_type              text,
  access_token             text,
  access_token_expires_at  timestamptz,
  refresh_token            text,
  refresh_token_expires_at timestamptz,
  ship_from                jsonb,
  status                   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deauthorized')),
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  shop_id            text NOT NULL REFERENCES shops (shop_id),
  order_id           text NOT NULL,
  state              text NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'validated', 'processing',
                       'inventory_reserved', 'label_generated', 'shipped', 'delivered', 'failed', 'cancelled')),
  priority           text NOT NULL DEFAULT 'standard' CHECK (priority IN ('viral', 'vip', 'standard', 'automated')),
  tiktok_status      text,
  -- TikTok's update_time of the detail stored here: older detail arriving late is ignored.
  tiktok_update_time bigint NOT NULL DEFAULT 0,
  received_at        timestamptz NOT NULL DEFAULT now(),
  sla_deadline       timestamptz NOT NULL,
  shipping_type      text CHECK (shipping_type IN ('SELLER', 'TIKTOK')),
  delivery_option_id text,
  buyer_user_id      text,
  currency           text,
  total_amount       numeric(14, 2),
  recipient          jsonb,
  ship_by            timestamptz,
  deliver_by         timestamptz,
  carrier            text,
  service            text,
  tracking_number    text,
  label_url          text,
  hold_reason        text,
  failure_reason     text,
  detail             jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, order_id)
);
-- The operator API addresses an order by TikTok's id alone (globally unique at TikTok).
CREATE INDEX orders_by_order_id ON orders (order_id);
CREATE INDEX orders_newest_first ON orders (received_at DESC, order_id DESC);
CREATE INDEX orders_by_state ON orders (state, received_at DESC);

-- A TikTok line item is one unit; lines here group them per SKU with a quantity.
CREATE TABLE order_lines (
  shop_id      text NOT NULL,
  order_id     text NOT NULL,
  sku_id       text NOT NULL,
  seller_sku   text NOT NULL DEFAULT '',
  product_id   text,
  product_name text,
  quantity     integer NOT NULL CHECK (quantity > 0),
  unit_price   numeric(14, 2),
  PRIMARY KEY (shop_id, order_id, sku_id),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);

-- The order timeline: every change with its time, kind, from, to and detail. Rows are never updated.
CREATE TABLE order_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id    text NOT NULL,
  order_id   text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  kind       text NOT NULL,
  from_state text,
  to_state   text,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);
CREATE INDEX order_events_by_order ON order_events (shop_id, order_id, id);

CREATE FUNCTION order_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_events is append-only: add a new event instead of updating one';
END $$;
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
  FOR EACH ROW EXECUTE FUNCTION order_events_are_append_only();

-- Every webhook delivery that passed verification, stored before it is acknowledged.
-- (source, notification_id) de-duplicates at-least-once delivery.
CREATE TABLE webhook_inbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source          text NOT NULL CHECK (source IN ('tiktok', 'shippo')),
  notification_id text NOT NULL,
  shop_id         text,
  event_type      integer,
  received_at     timestamptz NOT NULL DEFAULT now(),
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processed', 'ignored', 'waiting_for_shop', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A processor's lease: a crashed processor's events become claimable again when it passes.
  locked_until    timestamptz,
  last_error      text,
  processed_at    timestamptz,
  UNIQUE (source, notification_id)
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_inbox_waiting ON webhook_inbox (shop_id) WHERE status = 'waiting_for_shop';
