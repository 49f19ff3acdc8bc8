-- Exam supervision (exams/): an exam with its organising unit; each supervised session of a stage (sitting, marking,
-- transcription, score checking) with the supervisors who watched it and what they found; and each candidate's
-- score-check request, a case on the channel score_check, with its outcome (unchanged, or corrected from one score
-- to another).
CREATE TABLE exams(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  name TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  created_by INTEGER REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  UNIQUE(year, name)
);
CREATE TABLE exam_sessions(
  id INTEGER PRIMARY KEY,
  exam_id INTEGER NOT NULL REFERENCES exams(id),
  stage TEXT NOT NULL,
  session TEXT NOT NULL,
  held_on TEXT NOT NULL,
  supervisors TEXT NOT NULL,
  found TEXT NOT NULL,
  problem INTEGER NOT NULL,
  recorded_by INTEGER REFERENCES accounts(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX exam_sessions_exam ON exam_sessions(exam_id, stage, held_on);
CREATE TABLE exam_score_checks(
  id INTEGER PRIMARY KEY,
  exam_id INTEGER NOT NULL REFERENCES exams(id),
  case_id INTEGER NOT NULL REFERENCES cases(id),
  candidate_masked TEXT NOT NULL,
  subject TEXT NOT NULL,
  score_before REAL NOT NULL,
  outcome TEXT CHECK(outcome IN ('unchanged','corrected')),
  score_after REAL,
  note TEXT NOT NULL DEFAULT '',
  answered_by INTEGER REFERENCES accounts(id),
  answered_at TEXT
);
CREATE INDEX exam_score_checks_exam ON exam_score_checks(exam_id, id);
