-- The names people write for a unit besides its official one (former names, nicknames, short forms the rules in
-- org/names.h do not derive), added by admins and clerks; the unit matcher reads them (org::NamesOf). A case whose
-- concerned unit was recognised in its text, not chosen by a person, says so until someone confirms or changes it.
CREATE TABLE unit_aliases(
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  alias TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('short','former','other')),
  added_by INTEGER REFERENCES accounts(id),
  added_at TEXT NOT NULL,
  UNIQUE(unit_id, alias)
);
ALTER TABLE cases ADD COLUMN concerned_unit_recognised INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_concerned ON cases(concerned_unit_id, received_at);
