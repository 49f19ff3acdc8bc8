-- Migrant children's school places (随迁子女, placement/): the designated schools of an intake year with their seats
-- per grade (entered by the school, approved by its district), the residential compounds a family picks its home
-- from, applications (names sealed, only the masked name in clear) with their on-site review, and placement runs:
-- the committed seed, the witness's value, each child's lottery number and seat, and decisions changing a seat.
CREATE TABLE placement_schools(
  year INTEGER NOT NULL,
  code TEXT NOT NULL,
  unit_id INTEGER REFERENCES units(id),
  name TEXT NOT NULL,
  district TEXT NOT NULL,
  lat_e6 INTEGER NOT NULL,
  lon_e6 INTEGER NOT NULL,
  PRIMARY KEY(year, code)
);
CREATE TABLE placement_seats(
  year INTEGER NOT NULL,
  code TEXT NOT NULL,
  grade INTEGER NOT NULL,
  seats INTEGER NOT NULL CHECK(seats >= 0),
  approved INTEGER NOT NULL DEFAULT 0,
  entered_by INTEGER REFERENCES accounts(id),
  approved_by INTEGER REFERENCES accounts(id),
  PRIMARY KEY(year, code, grade),
  FOREIGN KEY(year, code) REFERENCES placement_schools(year, code)
);
CREATE TABLE placement_compounds(
  id INTEGER PRIMARY KEY,
  district TEXT NOT NULL,
  name TEXT NOT NULL,
  lat_e6 INTEGER NOT NULL,
  lon_e6 INTEGER NOT NULL,
  UNIQUE(district, name)
);
CREATE TABLE placement_applications(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  ref TEXT NOT NULL UNIQUE,
  code_hash TEXT NOT NULL UNIQUE,
  child_masked TEXT NOT NULL,
  sealed BLOB NOT NULL,
  district TEXT NOT NULL,
  compound_id INTEGER NOT NULL REFERENCES placement_compounds(id),
  lat_e6 INTEGER NOT NULL,
  lon_e6 INTEGER NOT NULL,
  grade INTEGER NOT NULL,
  residence_since TEXT NOT NULL,
  work_proof TEXT NOT NULL,
  housing TEXT NOT NULL,
  tenancy_months INTEGER NOT NULL,
  insurance_months INTEGER NOT NULL,
  special TEXT NOT NULL,
  choices TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('submitted','returned','eligible','ineligible')),
  tier INTEGER,
  reasons TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX placement_applications_district ON placement_applications(year, district, state);
CREATE TABLE placement_reviews(
  application_id INTEGER NOT NULL REFERENCES placement_applications(id),
  item TEXT NOT NULL,
  result TEXT NOT NULL CHECK(result IN ('ok','returned')),
  reason TEXT,
  due_on TEXT,
  reviewer_account INTEGER NOT NULL REFERENCES accounts(id),
  reviewed_at TEXT NOT NULL,
  PRIMARY KEY(application_id, item)
);
CREATE TABLE placement_runs(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('committed','run','published')),
  commitment TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  requested_by INTEGER NOT NULL REFERENCES accounts(id),
  witness_account INTEGER NOT NULL REFERENCES accounts(id),
  requested_at TEXT NOT NULL,
  public_value TEXT,
  secret TEXT,
  run_at TEXT,
  summary TEXT,
  record_sha256 TEXT,
  published_at TEXT
);
CREATE TABLE placement_results(
  run_id INTEGER NOT NULL REFERENCES placement_runs(id),
  application_id INTEGER NOT NULL REFERENCES placement_applications(id),
  lottery INTEGER NOT NULL,
  school TEXT,
  rank INTEGER NOT NULL,
  chosen INTEGER NOT NULL,
  metres INTEGER NOT NULL,
  PRIMARY KEY(run_id, application_id)
);
CREATE TABLE placement_decisions(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES placement_runs(id),
  application_id INTEGER NOT NULL REFERENCES placement_applications(id),
  from_school TEXT,
  to_school TEXT,
  reason TEXT NOT NULL,
  decided_by INTEGER NOT NULL REFERENCES accounts(id),
  decided_at TEXT NOT NULL
);
CREATE INDEX placement_decisions_run ON placement_decisions(run_id, application_id);
