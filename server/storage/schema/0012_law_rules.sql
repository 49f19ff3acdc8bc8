-- the law's rules made explicit (issue 13). Cases keep the first dispatch (ping-pong does not reset the
-- clock), the reason for a back-dated receipt, the staff follow-up's rating apart from the reporter's own, how
-- often a reply was sent back for 重办, a link to an earlier matter, and the unit whose reply a review
-- concerns; each deadline keeps the extension and suspension applied to it (a recompute keeps them); a
-- review or re-review is asked once (the key) and answered by the level above (a unit here, or a body
-- outside to which it was forwarded); supervision records escalation letters (催办函, 通报批评);
-- campaigns owe their results by a day; draws record each expert's conclusions (void on recusal); a year's
-- holiday notice loaded by an administrator is kept (and applied at every start). The
-- dashboard rollups are kept by the application from now on (cases/store.h Figures), not by triggers, so
-- that they are the same on every backend; they gain acceptance and conclusion counts.
ALTER TABLE cases ADD COLUMN first_dispatched_at TEXT;
UPDATE cases SET first_dispatched_at = dispatched_at;
ALTER TABLE cases ADD COLUMN received_reason TEXT;
ALTER TABLE cases ADD COLUMN revisit_satisfaction INTEGER;
ALTER TABLE cases ADD COLUMN redo_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN prior_case_id INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN replied_by_unit_id INTEGER REFERENCES units(id);
UPDATE cases SET replied_by_unit_id = handling_unit_id WHERE replied_at IS NOT NULL;

ALTER TABLE case_deadlines ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_deadlines ADD COLUMN suspended_days INTEGER NOT NULL DEFAULT 0;
UPDATE case_deadlines SET extension_days = (SELECT c.extension_days FROM cases c WHERE c.id = case_deadlines.case_id)
  WHERE kind = 'handling';

CREATE TABLE case_reviews(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK(kind IN ('review','rereview')),
  requested_at TEXT NOT NULL,
  answering_unit_id INTEGER REFERENCES units(id),
  external_body TEXT,
  forwarded_on TEXT,
  answered_at TEXT,
  answer_ref TEXT,
  PRIMARY KEY(case_id, kind),
  CHECK((answering_unit_id IS NULL) != (external_body IS NULL))
);

CREATE TABLE supervision_v12(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK(kind IN ('yellow','red','order','reminder','criticism')),
  level INTEGER NOT NULL DEFAULT 1,
  deadline_kind TEXT,
  rule TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  due_on TEXT,
  note TEXT,
  answer TEXT,
  answered_at TEXT,
  calendar_version TEXT
);
INSERT INTO supervision_v12 SELECT id, case_id, kind, level, deadline_kind, rule, issued_at, issued_by, due_on, note,
  answer, answered_at, calendar_version FROM supervision;
DROP TABLE supervision;
ALTER TABLE supervision_v12 RENAME TO supervision;
CREATE INDEX supervision_case ON supervision(case_id, kind);
CREATE UNIQUE INDEX supervision_card_once ON supervision(case_id, kind, deadline_kind, due_on)
  WHERE kind IN ('yellow','red','reminder','criticism');

ALTER TABLE campaigns ADD COLUMN results_due_on TEXT;
ALTER TABLE campaigns ADD COLUMN results_published_at TEXT;
CREATE TABLE campaign_cards(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  kind TEXT NOT NULL CHECK(kind IN ('yellow','red')),
  due_on TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  UNIQUE(campaign_id, kind, due_on)
);

DROP TRIGGER case_rollup_insert;
DROP TRIGGER case_rollup_update;
DROP TRIGGER state_rollup_update;
DROP TRIGGER case_rollup_delete;
DROP TRIGGER deadline_rollup_insert;
DROP TRIGGER deadline_rollup_update;
DROP TRIGGER deadline_rollup_delete;
ALTER TABLE rollup_day ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_day ADD COLUMN concluded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_day ADD COLUMN acceptance_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_day ADD COLUMN acceptance_missed INTEGER NOT NULL DEFAULT 0;
DELETE FROM rollup_day;
DELETE FROM rollup_dim;
INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied, accepted, concluded)
  SELECT date(received_at, '+8 hours'), COUNT(*), SUM(anonymous = 0), SUM(replied_at IS NOT NULL),
         TOTAL(julianday(replied_at) - julianday(received_at)), SUM(COALESCE(satisfaction, revisit_satisfaction) IS NOT NULL),
         SUM(COALESCE(COALESCE(satisfaction, revisit_satisfaction) >= 4, 0)), SUM(accepted_at IS NOT NULL),
         SUM(closed_at IS NOT NULL)
  FROM cases GROUP BY 1;
INSERT INTO rollup_day(day, handling_met, handling_missed, acceptance_met, acceptance_missed)
  SELECT date(c.received_at, '+8 hours'), SUM(d.kind = 'handling' AND d.status = 'met'),
         SUM(d.kind = 'handling' AND d.status = 'missed'), SUM(d.kind = 'acceptance' AND d.status = 'met'),
         SUM(d.kind = 'acceptance' AND d.status = 'missed')
  FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind IN ('handling', 'acceptance') GROUP BY 1
  ON CONFLICT DO UPDATE SET handling_met = excluded.handling_met, handling_missed = excluded.handling_missed,
    acceptance_met = excluded.acceptance_met, acceptance_missed = excluded.acceptance_missed;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'channel', date(received_at, '+8 hours'), channel, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'category', date(received_at, '+8 hours'), category, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'district', date(received_at, '+8 hours'), COALESCE(district, ''), COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'state', date(received_at, '+8 hours'), state, COUNT(*) FROM cases GROUP BY 2, 3;

CREATE TABLE calendar_years(
  year INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  version TEXT NOT NULL,
  loaded_at TEXT NOT NULL,
  loaded_by INTEGER REFERENCES accounts(id)
);

CREATE TABLE draw_conclusions(
  id INTEGER PRIMARY KEY,
  draw_id INTEGER NOT NULL REFERENCES draws(id),
  code TEXT NOT NULL,
  item TEXT NOT NULL,
  result TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by INTEGER REFERENCES accounts(id),
  void_reason TEXT,
  voided_at TEXT,
  UNIQUE(draw_id, code, item)
);
