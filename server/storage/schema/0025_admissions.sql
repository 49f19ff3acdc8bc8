-- Admission checks (招生检查, admissions/): each school's admission roster per year (a new upload replaces the
-- current one and keeps the old), its students (name and ID number sealed to the office's key; matched across
-- rosters by a keyed hash of the ID number), and the findings the admission rules make of them, each followed to a
-- rectification order or a case.
CREATE TABLE admission_rosters(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  school_id INTEGER NOT NULL REFERENCES units(id),
  is_current INTEGER NOT NULL DEFAULT 1,
  plan INTEGER,
  line REAL,
  materials TEXT NOT NULL DEFAULT '[]',
  file_sha256 TEXT NOT NULL,
  students INTEGER NOT NULL,
  uploaded_by INTEGER REFERENCES accounts(id),
  uploaded_at TEXT NOT NULL
);
CREATE INDEX admission_rosters_year ON admission_rosters(year, is_current, school_id);
CREATE INDEX admission_rosters_school ON admission_rosters(school_id, year);
CREATE TABLE admission_students(
  id INTEGER PRIMARY KEY,
  roster_id INTEGER NOT NULL REFERENCES admission_rosters(id),
  row_number INTEGER NOT NULL,
  name_masked TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  id_key TEXT NOT NULL,
  sealed BLOB NOT NULL,
  grade INTEGER NOT NULL,
  class_name TEXT NOT NULL,
  route TEXT NOT NULL,
  score REAL,
  fees TEXT NOT NULL DEFAULT '[]',
  registered_school_id INTEGER REFERENCES units(id),
  registered_school TEXT NOT NULL DEFAULT '',
  registered_grade INTEGER
);
CREATE INDEX admission_students_roster ON admission_students(roster_id, row_number);
CREATE INDEX admission_students_key ON admission_students(id_key);
CREATE TABLE admission_findings(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  school_id INTEGER NOT NULL REFERENCES units(id),
  rule TEXT NOT NULL,
  subject_key TEXT NOT NULL,
  roster_id INTEGER NOT NULL REFERENCES admission_rosters(id),
  summary TEXT NOT NULL,
  numbers TEXT NOT NULL DEFAULT '{}',
  row_refs TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL CHECK(state IN ('open','ordered','referred','cleared')),
  rectification_id INTEGER REFERENCES rectifications(id),
  case_id INTEGER REFERENCES cases(id),
  found_at TEXT NOT NULL,
  cleared_at TEXT,
  UNIQUE(year, school_id, rule, subject_key)
);
CREATE INDEX admission_findings_year ON admission_findings(year, state);
