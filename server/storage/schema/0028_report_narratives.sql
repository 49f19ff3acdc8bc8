-- The half-year summary's narrative as the office edits it (reports/narrative.h): one row per saved version of a
-- half's text (title, opening, sections and paragraphs with their placeholders, as JSON); never changed once saved.
CREATE TABLE report_narratives(
  id INTEGER PRIMARY KEY,
  half TEXT NOT NULL,
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  saved_by INTEGER NOT NULL REFERENCES accounts(id),
  saved_at TEXT NOT NULL,
  UNIQUE(half, version)
);
CREATE TRIGGER report_narratives_kept BEFORE UPDATE ON report_narratives
  BEGIN SELECT RAISE(ABORT, 'a saved narrative version is never changed'); END;
