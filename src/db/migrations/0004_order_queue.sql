-- 0004 order queue: the durable priority lanes. One row per order with work to do; a worker claims
-- it under a lease (locked_until), so a worker that dies loses it and another resumes the order.
-- Within a lane the earliest SLA deadline goes first.

CREATE TABLE order_jobs (
  shop_id      text NOT NULL,
  order_id     text NOT NULL,
  lane         text NOT NULL CHECK (lane IN ('viral', 'vip', 'standard', 'automated')),
  deadline     timestamptz NOT NULL,
  run_at       timestamptz NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  locked_by    text,
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shop_id, order_id),
  FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
);
CREATE INDEX order_jobs_claim ON order_jobs (lane, deadline);
