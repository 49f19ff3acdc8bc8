-- reporter identities sealed to the discipline office's key. Rows stored in plain text by earlier
-- versions are sealed at start (the runtime does it: SQL cannot encrypt) and their plain columns cleared.
ALTER TABLE reporters ADD COLUMN sealed BLOB;
