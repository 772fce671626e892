-- 0010 the whole fulfilment path without index writes. After 0009 four of an order's five steps
-- were HOT updates; the fifth, into `shipped`, still moved the order to another `state_group`
-- ('in_progress' to 'shipped'), so it copied the row and wrote an entry into each of the eight
-- indexes on orders, for every order the engine ships.
--
-- The groups now follow whether an order is still open: 'open' from received up to and including
-- shipped (a shipped order is still on its way to the buyer), and the state itself for the states
-- an order ends in (delivered, cancelled, failed). Shipping leaves the group as it was, so every
-- step the engine takes is a HOT update; the one index write moves to delivery, which a carrier
-- reports days later, once per order. The order list filters the open group by `state`.
--
-- A stored generated column keeps the value its function gave when the row was written, so the
-- column is dropped and added again (each row is rewritten with its new group) with its index.
ALTER TABLE orders DROP COLUMN state_group;
DROP FUNCTION order_state_group(text);

CREATE FUNCTION order_state_group(state text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN state IN ('delivered', 'cancelled', 'failed') THEN state ELSE 'open' END $$;

ALTER TABLE orders ADD COLUMN state_group text GENERATED ALWAYS AS (order_state_group(state)) STORED;
CREATE INDEX orders_by_state_group ON orders (state_group, received_at DESC, order_id DESC);
