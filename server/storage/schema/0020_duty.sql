-- The responsibility system (党风廉政建设责任制, duty/): the year's plan (工作要点) in areas and tasks, each task's
-- deadlines (one, or one per quarter) with the lead unit's progress reports and the discipline office's decision on
-- them, cards on deadlines by the one card rule; responsibility letters (责任书) issued per year to every unit with
-- their content hash, signed by the unit's head and chased like deadlines; integrity talks (廉政谈话).
CREATE TABLE duty_plans(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL UNIQUE,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE duty_areas(
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES duty_plans(id),
  seq INTEGER NOT NULL,
  title TEXT NOT NULL,
  UNIQUE(plan_id, seq)
);
CREATE TABLE duty_tasks(
  id INTEGER PRIMARY KEY,
  area_id INTEGER NOT NULL REFERENCES duty_areas(id),
  seq INTEGER NOT NULL,
  title TEXT NOT NULL,
  lead_unit_id INTEGER NOT NULL REFERENCES units(id),
  cooperating TEXT NOT NULL DEFAULT '[]',
  schedule TEXT NOT NULL CHECK(schedule IN ('once','quarterly')),
  basis TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '',
  UNIQUE(area_id, seq)
);
CREATE INDEX duty_tasks_lead ON duty_tasks(lead_unit_id);
CREATE TABLE duty_deadlines(
  task_id INTEGER NOT NULL REFERENCES duty_tasks(id),
  period TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','reported','met')),
  reported_on TEXT,
  PRIMARY KEY(task_id, period)
);
CREATE INDEX duty_deadlines_open ON duty_deadlines(status, due_on);
CREATE TABLE duty_reports(
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES duty_tasks(id),
  period TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  at TEXT NOT NULL,
  text TEXT NOT NULL,
  links TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'submitted' CHECK(state IN ('submitted','accepted','returned')),
  decided_by INTEGER REFERENCES accounts(id),
  decided_at TEXT,
  reason TEXT
);
CREATE INDEX duty_reports_task ON duty_reports(task_id, period, id);
CREATE TABLE duty_cards(
  task_id INTEGER NOT NULL REFERENCES duty_tasks(id),
  period TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  PRIMARY KEY(task_id, period, kind, due_on)
);
CREATE TABLE duty_letters(
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  issuer_unit_id INTEGER NOT NULL REFERENCES units(id),
  template TEXT NOT NULL,
  content TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  due_on TEXT NOT NULL,
  signed_by INTEGER REFERENCES accounts(id),
  signer_name TEXT,
  signed_at TEXT,
  UNIQUE(year, unit_id)
);
CREATE INDEX duty_letters_unsigned ON duty_letters(year, signed_at);
CREATE TABLE duty_letter_cards(
  letter_id INTEGER NOT NULL REFERENCES duty_letters(id),
  kind TEXT NOT NULL,
  due_on TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  PRIMARY KEY(letter_id, kind, due_on)
);
CREATE TABLE duty_talks(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('routine','pre_appointment','reminder','admonition')),
  held_on TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  person_id INTEGER REFERENCES people(id),
  person_name TEXT NOT NULL,
  person_post TEXT NOT NULL DEFAULT '',
  talker TEXT NOT NULL,
  points TEXT NOT NULL,
  commitments TEXT NOT NULL DEFAULT '',
  follow_up_on TEXT,
  notice_id INTEGER REFERENCES notices(id),
  recorded_by INTEGER NOT NULL REFERENCES accounts(id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX duty_talks_held ON duty_talks(held_on);
