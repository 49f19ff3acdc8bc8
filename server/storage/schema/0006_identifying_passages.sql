-- passages of a case that would identify the reporter, marked at dispatch; blacked out for handlers.
ALTER TABLE cases ADD COLUMN redactions TEXT NOT NULL DEFAULT '[]';
