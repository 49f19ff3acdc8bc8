-- Rules tests (廉政知识测试, duty/): the question bank (each question citing its rule), tests whose bank is frozen at
-- creation with a random seed, the people enrolled with a personal code (only its hash kept), attempts with the paper
-- drawn from the seed, every answer stamped by the server, the score and the flags for review.
CREATE TABLE duty_questions(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('single','multiple','judge')),
  stem TEXT NOT NULL UNIQUE,
  options TEXT NOT NULL,
  answer TEXT NOT NULL,
  rule TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);
CREATE TABLE duty_exams(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  questions INTEGER NOT NULL,
  pass_percent INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  seed TEXT NOT NULL,
  bank TEXT NOT NULL,
  bank_sha256 TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
CREATE TABLE duty_takers(
  id INTEGER PRIMARY KEY,
  exam_id INTEGER NOT NULL REFERENCES duty_exams(id),
  code_hash TEXT NOT NULL UNIQUE,
  person_id INTEGER NOT NULL REFERENCES people(id),
  name_masked TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  UNIQUE(exam_id, person_id)
);
CREATE TABLE duty_attempts(
  id INTEGER PRIMARY KEY,
  taker_id INTEGER NOT NULL REFERENCES duty_takers(id),
  seq INTEGER NOT NULL,
  seed TEXT NOT NULL,
  paper TEXT NOT NULL,
  started_at TEXT NOT NULL,
  deadline_at TEXT NOT NULL,
  submitted_at TEXT,
  correct INTEGER,
  score INTEGER,
  passed INTEGER,
  flags TEXT NOT NULL DEFAULT '[]',
  UNIQUE(taker_id, seq)
);
CREATE TABLE duty_answers(
  attempt_id INTEGER NOT NULL REFERENCES duty_attempts(id),
  position INTEGER NOT NULL,
  question_id INTEGER NOT NULL,
  choice TEXT NOT NULL,
  correct INTEGER NOT NULL,
  answered_at TEXT NOT NULL,
  PRIMARY KEY(attempt_id, position)
);
CREATE INDEX duty_answers_wrong ON duty_answers(question_id, choice) WHERE correct = 0;
