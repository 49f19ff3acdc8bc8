-- Notifications (notify/): a named reporter's consent to be told of the case's progress by text message (their phone
-- stays sealed with their identity), staff members' e-mail addresses and what they want by e-mail, and the outbox:
-- one row per message, written in the same transaction as the event that causes it, sent and retried with back-off
-- by the deliverer, dead after its last attempt (the dead letters staff see and send again). A row names its
-- recipient ("account:N", "reporter:N" for case N) and the template's values, never the message or a complaint's text.
ALTER TABLE reporters ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
CREATE TABLE notify_prefs(
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  email TEXT NOT NULL,
  locale TEXT NOT NULL DEFAULT 'zh-CN',
  groups TEXT NOT NULL
);
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY,
  event_seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK(channel IN ('email','sms')),
  recipient TEXT NOT NULL,
  params TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending','sent','dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox(state, id);
