-- Warning-education sessions (警示教育, duty/): the session with its venue, the units invited and the secret its
-- rotating sign-in code is made from; one attendance row per person who signed in at the venue.
CREATE TABLE duty_sessions(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  place TEXT NOT NULL,
  held_at TEXT NOT NULL,
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
CREATE INDEX duty_sessions_held ON duty_sessions(held_at);
CREATE TABLE duty_session_units(
  session_id INTEGER NOT NULL REFERENCES duty_sessions(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  PRIMARY KEY(session_id, unit_id)
);
CREATE TABLE duty_attendance(
  session_id INTEGER NOT NULL REFERENCES duty_sessions(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  at TEXT NOT NULL,
  PRIMARY KEY(session_id, person_id)
);
