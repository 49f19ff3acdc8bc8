-- Lotteries of oversubscribed schools (招生监督, admissions/lottery_store.cc): the applicants of a school's intake
-- grade frozen with the commitment, drawn on the draw engine by the witness with the observers recorded, the result
-- published at once; an admitted applicant who gives up the place is recorded with the reason (the next on the
-- waiting list is admitted), and an admission beyond the plan only with its reason. Applicants' names and ID numbers
-- are sealed as rosters' are, and matched to the rosters by the same keyed hash.
CREATE TABLE admission_lotteries(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  school_id INTEGER NOT NULL REFERENCES units(id),
  grade INTEGER NOT NULL,
  plan INTEGER NOT NULL,
  candidates TEXT NOT NULL,
  commitment TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  witness_account INTEGER NOT NULL REFERENCES accounts(id),
  requested_by INTEGER REFERENCES accounts(id),
  requested_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('committed','released')),
  venue TEXT NOT NULL DEFAULT '',
  public_value TEXT,
  secret TEXT,
  call_order TEXT,
  observers TEXT NOT NULL DEFAULT '[]',
  drawn_at TEXT,
  declines TEXT NOT NULL DEFAULT '[]',
  extras TEXT NOT NULL DEFAULT '[]',
  UNIQUE(year, school_id, grade)
);
CREATE INDEX admission_lotteries_state ON admission_lotteries(year, state);
CREATE TABLE admission_lottery_applicants(
  lottery_id INTEGER NOT NULL REFERENCES admission_lotteries(id),
  code TEXT NOT NULL,
  name_masked TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  id_key TEXT NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY(lottery_id, code)
);
