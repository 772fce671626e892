-- 0003 notifications: an outbox of every message to a person. Recorded before it is sent and
-- retried until sent or handed to an operator; (cause, channel, target) is unique, so one cause
-- never reaches the same place twice.

CREATE TABLE notifications (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  shop_id         text,
  cause           text NOT NULL,
  role            text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('slack', 'email')),
  target          text NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  subject         text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  UNIQUE (cause, channel, target)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('pending', 'sending');
