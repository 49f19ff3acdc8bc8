-- A family applying for a school place may ask to be told by text message when the placement is published (notify/);
-- the guardian's phone stays sealed with the application.
ALTER TABLE placement_applications ADD COLUMN notify BIGINT NOT NULL DEFAULT 0;
