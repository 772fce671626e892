-- 0002 inventory: stock per shop and seller SKU, and the reservations orders hold against it.
-- The database itself refuses an oversell: reserved can never exceed on_hand.

CREATE TABLE inventory (
  shop_id             text NOT NULL REFERENCES shops (shop_id),
  seller_sku          text NOT NULL,
  on_hand             integer NOT NULL CHECK (on_hand >= 0),
  reserved            integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  weight_oz           numeric(10, 2) CHECK (weight_oz > 0),
  low_stock_threshold integer NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, seller_sku),
  CONSTRAINT inventory_never_oversold CHECK (reserved <= on_hand)
);

-- One row per order line: reserved when the order is processed, then released (cancel, failure)
-- or consumed (shipped). Status only moves forward from 'reserved', which makes each idempotent.
CREATE TABLE stock_reservations (
  shop_id    text NOT NULL,
  order_id   text NOT NULL,
  seller_sku text NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  status     text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'released', 'consumed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, order_id, seller_sku),
  FOREIGN KEY (shop_id, seller_sku) REFERENCES inventory (shop_id, seller_sku)
);
CREATE INDEX stock_reservations_active ON stock_reservations (shop_id, seller_sku) WHERE status = 'reserved';
