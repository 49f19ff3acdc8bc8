-- A family applying for a school place may ask to be told by text message when the placement is published (notify/);
-- the guardian's phone stays sealed with the application.
ALTER TABLE placement_applications ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
-- The deliverer's due messages, read by state and time in one index (the partial index of 0037 lost to outbox_state,
-- then sorted: NotifyTest's plan test).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(state, next_at);
