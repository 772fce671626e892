-- 0008 alerting and the dashboard: stored alert rules (the design's three ship as defaults), alert
-- episodes (one row per episode, resolved when it clears), and the indexes the dashboard's order
-- list and overview need to stay fast with millions of orders.

CREATE TABLE alert_rules (
  id                text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{1,64}$'),
  name              text NOT NULL,
  -- Which overview figure the rule watches (src/alerts/alert-metrics.ts lists them).
  metric            text NOT NULL,
  comparison        text NOT NULL CHECK (comparison IN ('below', 'above', 'at_least')),
  threshold         double precision NOT NULL,
  severity          text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  notify_roles      text[] NOT NULL DEFAULT '{}',
  -- A rate over too few orders says little: the rule fires only with at least this many samples.
  min_samples       integer NOT NULL DEFAULT 0 CHECK (min_samples >= 0),
  -- Hysteresis: an episode resolves only once the condition has stayed clear this long.
  clear_for_seconds integer NOT NULL DEFAULT 60 CHECK (clear_for_seconds >= 0),
  enabled           boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

INSERT INTO alert_rules (id, name, metric, comparison, threshold, severity, notify_roles, min_samples, clear_for_seconds)
VALUES
  ('automation-success-rate', 'Automation success rate under 95%', 'automation_success_rate', 'below', 0.95,
   'high', '{team_lead,devops}', 20, 120),
  ('processing-time-p95', 'Processing time p95 over 60 s', 'processing_time_p95_seconds', 'above', 60,
   'medium', '{team_lead}', 20, 120),
  ('viral-spike', 'Viral spike detected', 'viral_spike', 'at_least', 1,
   'info', '{fulfillment_team}', 0, 0);

-- One row per episode. `subject` tells episodes of one rule apart where a rule watches several
-- things at once (each viral spike is its own episode); '' for a single figure.
CREATE TABLE alerts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id         text NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  subject         text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved')),
  severity        text NOT NULL,
  summary         text NOT NULL,
  threshold       double precision NOT NULL,
  first_value     double precision,
  worst_value     double precision,
  last_value      double precision,
  started_at      timestamptz NOT NULL,
  -- When the condition was last seen clear while the episode is still open (hysteresis).
  clear_since     timestamptz,
  resolved_at     timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text
);
-- At most one open episode per rule and subject, even with two schedulers evaluating at once.
CREATE UNIQUE INDEX alerts_one_open_episode ON alerts (rule_id, subject) WHERE status = 'active';
CREATE INDEX alerts_newest_first ON alerts (started_at DESC, id DESC);

-- The order list filters by priority or shop, newest first, with a keyset on (received_at, order_id).
CREATE INDEX orders_by_priority ON orders (priority, received_at DESC, order_id DESC);
CREATE INDEX orders_by_shop ON orders (shop_id, received_at DESC, order_id DESC);
CREATE INDEX orders_by_state_keyset ON orders (state, received_at DESC, order_id DESC);
DROP INDEX orders_by_state;

-- The overview reads outcomes (an order's label bought, or its failure) of the last minutes; only
-- those timeline rows are indexed by time, so the index stays small and cheap to maintain.
CREATE INDEX order_events_outcomes_by_time ON order_events (at) WHERE to_state IN ('label_generated', 'failed');
