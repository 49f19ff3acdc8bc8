-- School fee declarations (收费公示, fees/): a school's charges for a term — 服务性收费, 代收费, 教辅材料 — as declared
-- (a new declaration of the same term replaces the current one and keeps the old). The policy's flags are computed
-- when read, so that a complaint received after the declaration is checked against it too.
CREATE TABLE fee_declarations(
  id INTEGER PRIMARY KEY,
  school_id INTEGER NOT NULL REFERENCES units(id),
  term TEXT NOT NULL,
  is_current INTEGER NOT NULL DEFAULT 1,
  charges TEXT NOT NULL,
  declared_by INTEGER REFERENCES accounts(id),
  declared_at TEXT NOT NULL
);
CREATE INDEX fee_declarations_term ON fee_declarations(term, is_current, school_id);
CREATE INDEX fee_declarations_school ON fee_declarations(school_id, term);
