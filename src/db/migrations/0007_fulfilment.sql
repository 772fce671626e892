-- 0007 fulfilment: what the workflow records around the order as it moves.
--  * step_intents: a step that reaches outside (buy a label, push tracking to TikTok) writes its
--    intent, with an idempotency key, before the call and its result after, so a retry or a
--    restarted worker finds the result instead of repeating the call.
--  * labels: every label bought, and whether it was voided.
--  * compensations: undo work (void a label, cancel on TikTok), retried until done or handed over.
--  * backorders: orders waiting for stock, served by priority then deadline when stock arrives.

ALTER TABLE orders
  ADD COLUMN rules_decision  jsonb,
  ADD COLUMN hold_until      timestamptz,
  ADD COLUMN tracking_status text,
  ADD COLUMN tracking_rank   integer NOT NULL DEFAULT 0,
  ADD COLUMN processed_at    timestamptz,
  ADD COLUMN shipped_at      timestamptz,
  ADD COLUMN delivered_at    timestamptz,
  -- TikTok's masked relay address of the buyer, for the few e-mails a buyer should get from us.
  ADD COLUMN buyer_email     text;
CREATE INDEX orders_by_tracking_number ON orders (tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TABLE step_intents (
  shop_id         text NOT NULL,
  order_id        text NOT NULL,
  step            text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'done')),
  attempts        integer NOT NULL DEFAULT 1,
  result          jsonb,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  PRIMARY KEY (shop_id, order_id, step),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);

CREATE TABLE labels (
  shop_id         text NOT NULL,
  order_id        text NOT NULL,
  idempotency_key text NOT NULL,
  -- The label API it was bought through (shippo, easypost): voids and tracking go back there.
  aggregator      text NOT NULL DEFAULT 'shippo',
  provider        text NOT NULL,
  service         text NOT NULL,
  rate_id         text,
  transaction_id  text NOT NULL,
  tracking_number text,
  tracking_url    text,
  label_url       text,
  amount_cents    integer,
  currency        text,
  status          text NOT NULL DEFAULT 'bought' CHECK (status IN ('bought', 'voiding', 'voided', 'void_rejected')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, idempotency_key),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);
CREATE INDEX labels_by_order ON labels (shop_id, order_id);
-- At most one label of an order is live at a time: a second purchase is refused by the database.
CREATE UNIQUE INDEX labels_one_live_per_order ON labels (shop_id, order_id) WHERE status IN ('bought', 'voiding');

CREATE TABLE compensations (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id         text NOT NULL,
  order_id        text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('void_label', 'cancel_on_tiktok')),
  -- What is undone: the label's idempotency key, or the order for a TikTok cancellation.
  subject         text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'handed_over')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  UNIQUE (shop_id, order_id, kind, subject),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);
CREATE INDEX compensations_due ON compensations (next_attempt_at) WHERE status = 'pending';

CREATE TABLE backorders (
  shop_id    text NOT NULL,
  order_id   text NOT NULL,
  seller_sku text NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  -- Who is served first: lower rank (viral 0, vip 1, standard 2, automated 3), then the deadline.
  lane_rank  integer NOT NULL,
  deadline   timestamptz NOT NULL,
  since      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, order_id, seller_sku),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);
CREATE INDEX backorders_by_sku ON backorders (shop_id, seller_sku, lane_rank, deadline);

-- A low-stock alert fires once per crossing below the threshold: the crossing is remembered here
-- and cleared when stock rises above the threshold again.
ALTER TABLE inventory ADD COLUMN low_stock_since timestamptz;

-- Stock is pushed back to TikTok: which TikTok product, SKU and warehouse a seller SKU is (learned
-- from orders), and the available count TikTok last accepted (a different count is due a push).
ALTER TABLE inventory
  ADD COLUMN tiktok_product_id       text,
  ADD COLUMN tiktok_sku_id           text,
  ADD COLUMN tiktok_warehouse_id     text,
  ADD COLUMN tiktok_pushed_available integer;
CREATE INDEX inventory_tiktok_due ON inventory (shop_id, tiktok_product_id) WHERE tiktok_sku_id IS NOT NULL;
