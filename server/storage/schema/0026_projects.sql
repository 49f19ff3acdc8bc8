-- Livelihood projects (民生工程, projects/): a year's projects with the responsible division and person, the days funds
-- must be in place and works finished, targets per district (quantity and funds), and each district's monthly
-- report of cumulative progress (one per month, replaced by a correction, each a ledger event).
CREATE TABLE projects(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  name TEXT NOT NULL,
  measure TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  person TEXT NOT NULL,
  funds_due_on TEXT NOT NULL,
  works_due_on TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  UNIQUE(year, name)
);
CREATE TABLE project_targets(
  project_id INTEGER NOT NULL REFERENCES projects(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  quantity REAL NOT NULL,
  funds REAL NOT NULL,
  PRIMARY KEY(project_id, unit_id)
);
CREATE INDEX project_targets_unit ON project_targets(unit_id);
CREATE TABLE project_reports(
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  month TEXT NOT NULL,
  quantity_done REAL NOT NULL,
  funds_in_place REAL NOT NULL,
  funds_spent REAL NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  reported_by INTEGER REFERENCES accounts(id),
  reported_at TEXT NOT NULL,
  UNIQUE(project_id, unit_id, month)
);
