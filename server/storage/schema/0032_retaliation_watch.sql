-- The watch for retaliation against reporters (刑法 第二百五十四条; cases/watch.h). A named reporter's name as a keyed
-- tag of the vault (the database alone cannot test a guessed name against it), so that a later sanction, decision,
-- admonition talk or case against a person of that name is matched without opening any identity; and the alerts it
-- raises for the discipline office, each reviewed with a note.
ALTER TABLE reporters ADD COLUMN name_tag TEXT;
CREATE INDEX reporters_name_tag ON reporters(name_tag) WHERE name_tag IS NOT NULL;
CREATE TABLE retaliation_alerts(
  id INTEGER PRIMARY KEY,
  reporter_case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK(action IN ('sanction','decision','talk','case')),
  action_id INTEGER NOT NULL,
  action_summary TEXT NOT NULL,
  unit_matches INTEGER NOT NULL,
  raised_at TEXT NOT NULL,
  reviewed_at TEXT,
  reviewed_by INTEGER,
  review_note TEXT,
  UNIQUE(reporter_case_id, action, action_id)
);
CREATE INDEX retaliation_alerts_open ON retaliation_alerts(reviewed_at, id);
