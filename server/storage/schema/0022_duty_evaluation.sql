-- The year-end evaluation (考核, duty/): the scoring scheme frozen at opening, each unit's sheet of item scores (the
-- computed ones with their computation and the records behind them, the office's with a note and links), totals
-- and bands fixed at finalisation; accountability decisions (问责) with the clause they enforce and their facts.
CREATE TABLE duty_evaluations(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL UNIQUE,
  title TEXT NOT NULL,
  scheme TEXT NOT NULL,
  scheme_sha256 TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('draft','final')),
  as_of TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  finalised_at TEXT,
  sheets_sha256 TEXT
);
CREATE TABLE duty_evaluation_units(
  evaluation_id INTEGER NOT NULL REFERENCES duty_evaluations(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  total INTEGER,
  band TEXT,
  PRIMARY KEY(evaluation_id, unit_id)
);
CREATE TABLE duty_evaluation_scores(
  evaluation_id INTEGER NOT NULL REFERENCES duty_evaluations(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  item TEXT NOT NULL,
  score INTEGER,
  computation TEXT NOT NULL DEFAULT '',
  refs TEXT NOT NULL DEFAULT '[]',
  note TEXT NOT NULL DEFAULT '',
  links TEXT NOT NULL DEFAULT '[]',
  scored_by INTEGER REFERENCES accounts(id),
  scored_at TEXT,
  PRIMARY KEY(evaluation_id, unit_id, item)
);
CREATE TABLE duty_decisions(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('criticism','admonition','organisational','disciplinary')),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  person_id INTEGER REFERENCES people(id),
  person_name TEXT NOT NULL,
  person_post TEXT NOT NULL DEFAULT '',
  clause TEXT NOT NULL,
  facts TEXT NOT NULL,
  decided_on TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  text TEXT NOT NULL,
  recorded_by INTEGER NOT NULL REFERENCES accounts(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX duty_decisions_year ON duty_decisions(year, decided_on);
-- The evaluation's measures read a unit's records by these (cases by their concerned unit: 0019's cases_concerned).
CREATE INDEX vetoes_year ON vetoes(year, unit_id);
CREATE INDEX duty_takers_unit ON duty_takers(unit_id);
