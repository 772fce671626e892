-- 0011 order lines carry their order's arrival time. The questions the rules, spike detection and
-- re-orders ask of every new order ("this product's orders in the last hour and the day before",
-- "this SKU's units in the last day") were answered by taking every line the product ever had and
-- looking its order up for `received_at`. How the planner joined the two depended on what it knew
-- of the tables: on a database never analysed (PGlite before its first ANALYZE, or PostgreSQL
-- without autovacuum) it scanned the shop's orders of the day once per line, seconds per order
-- with ten thousand orders stored. With the time on the line, each question is one index range.
--
-- An order's arrival time never changes once stored, so the copy cannot go stale.
ALTER TABLE order_lines ADD COLUMN received_at timestamptz;

UPDATE order_lines l
   SET received_at = o.received_at
  FROM orders o
 WHERE o.shop_id = l.shop_id AND o.order_id = l.order_id;

ALTER TABLE order_lines ALTER COLUMN received_at SET NOT NULL;

DROP INDEX order_lines_by_product;
CREATE INDEX order_lines_by_product ON order_lines (shop_id, product_id, received_at);
CREATE INDEX order_lines_by_sku ON order_lines (shop_id, seller_sku, received_at);
