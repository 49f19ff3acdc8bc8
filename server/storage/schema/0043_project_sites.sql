-- Livelihood projects, continued (projects/): a project's sites — a school, or another place with an address kept as
-- a unit of kind 'other' under its district bureau, so that an inspection's forms, findings and rectification orders
-- address a site as they address a school; the complaints linked to a project (one project per complaint); and the
-- evidence files of a district's monthly report (kept across corrections of the month). Campaigns gain the number of
-- inspectors when their groups differ in size (the seed's 20 people in 6 groups); 0 keeps groups × group_size.
CREATE TABLE project_sites(
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  district_unit_id INTEGER NOT NULL REFERENCES units(id),
  works TEXT NOT NULL DEFAULT '',
  added_by INTEGER REFERENCES accounts(id),
  added_at TEXT NOT NULL,
  UNIQUE(project_id, unit_id)
);
CREATE INDEX project_sites_unit ON project_sites(unit_id);
CREATE TABLE project_cases(
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  project_id INTEGER NOT NULL REFERENCES projects(id),
  linked_by INTEGER REFERENCES accounts(id),
  linked_at TEXT NOT NULL
);
CREATE INDEX project_cases_project ON project_cases(project_id);
CREATE TABLE project_report_files(
  project_id INTEGER NOT NULL REFERENCES projects(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  month TEXT NOT NULL,
  hash TEXT NOT NULL REFERENCES blobs(hash),
  name TEXT NOT NULL,
  added_by INTEGER REFERENCES accounts(id),
  added_at TEXT NOT NULL,
  PRIMARY KEY(project_id, unit_id, month, hash)
);
CREATE INDEX project_report_files_hash ON project_report_files(hash);
ALTER TABLE campaigns ADD COLUMN people INTEGER NOT NULL DEFAULT 0;
