-- The public's rating (政风行风评议, duty/): a survey with its questionnaire frozen, the invitation codes given to
-- each school (only their hashes), and the answers — each tied to the school its code was given to, nothing else.
CREATE TABLE duty_surveys(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  questionnaire TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
CREATE TABLE duty_survey_codes(
  code_hash TEXT PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES duty_surveys(id),
  school_id INTEGER NOT NULL REFERENCES units(id),
  answered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX duty_survey_codes_survey ON duty_survey_codes(survey_id, school_id);
CREATE TABLE duty_survey_answers(
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES duty_surveys(id),
  school_id INTEGER NOT NULL REFERENCES units(id),
  answers TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL
);
CREATE INDEX duty_survey_answers_survey ON duty_survey_answers(survey_id, school_id);
