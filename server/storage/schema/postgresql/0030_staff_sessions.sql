-- Staff sessions (auth/session_store.h), so that a restart signs nobody out: the cookie token only as its SHA-256,
-- the session's CSRF token, and its times in Unix seconds (idle and absolute expiry, auth::SessionOptions). A row
-- goes at sign-out, and once expired whenever a session is stored.
CREATE TABLE staff_sessions(
  token_hash TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL
);
CREATE INDEX staff_sessions_last_seen ON staff_sessions(last_seen);
CREATE INDEX staff_sessions_created_at ON staff_sessions(created_at);
