-- Open311 GeoReport v2 (open311/): the client platforms allowed to submit, each with the SHA-256 of its api_key
-- (never the key), the channel its submissions arrive on and when it was revoked; and which platform submitted each
-- case that came through Open311.
CREATE TABLE open311_clients(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  key_hint TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  issued_by INTEGER REFERENCES accounts(id),
  revoked_at TEXT,
  revoke_reason TEXT
);
CREATE TABLE open311_submissions(
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  client_id INTEGER NOT NULL REFERENCES open311_clients(id)
);
CREATE INDEX open311_submissions_client ON open311_submissions(client_id);
