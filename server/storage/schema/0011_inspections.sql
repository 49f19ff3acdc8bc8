-- special inspections (campaigns, their audited sample, groups, checklists filled per school), findings
-- as rectification orders with cards, sanctions, one-vote vetoes, refunds, and frozen quarterly bulletins.
CREATE TABLE campaigns(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  scope TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  lead_unit_id INTEGER NOT NULL REFERENCES units(id),
  coop_unit_ids TEXT NOT NULL DEFAULT '[]',
  rate REAL NOT NULL,
  minimums TEXT NOT NULL DEFAULT '{}',
  groups INTEGER NOT NULL,
  group_size INTEGER NOT NULL,
  checklist TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('planned','committed','sampled','closed')),
  candidates TEXT,
  commitment TEXT,
  sealed_secret BLOB,
  witness_account INTEGER REFERENCES accounts(id),
  public_value TEXT,
  secret TEXT,
  sample TEXT,
  created_by INTEGER REFERENCES accounts(id),
  created_at TEXT NOT NULL,
  sampled_at TEXT
);
CREATE TABLE inspection_groups(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  name TEXT NOT NULL,
  leader_person_id INTEGER NOT NULL REFERENCES people(id),
  members TEXT NOT NULL,
  lat REAL,
  lon REAL
);
CREATE TABLE inspection_forms(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  group_id INTEGER NOT NULL REFERENCES inspection_groups(id),
  school_id INTEGER NOT NULL REFERENCES units(id),
  answers TEXT NOT NULL DEFAULT '{}',
  findings TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'open' CHECK(state IN ('open','draft','submitted','confirmed')),
  filled_by INTEGER REFERENCES people(id),
  updated_at TEXT,
  submitted_at TEXT,
  confirmed_by INTEGER REFERENCES people(id),
  confirmed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE(campaign_id, school_id)
);
CREATE TABLE rectifications(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER REFERENCES campaigns(id),
  form_id INTEGER REFERENCES inspection_forms(id),
  school_id INTEGER NOT NULL REFERENCES units(id),
  item TEXT NOT NULL,
  finding TEXT NOT NULL,
  term TEXT NOT NULL,
  due_on TEXT NOT NULL,
  calendar_version TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('open','answered','accepted')),
  answer TEXT,
  evidence TEXT NOT NULL DEFAULT '[]',
  answered_at TEXT,
  check_note TEXT,
  checked_at TEXT,
  rounds INTEGER NOT NULL DEFAULT 1,
  issued_at TEXT NOT NULL
);
CREATE INDEX rectifications_school ON rectifications(school_id, state);
CREATE TABLE rectification_cards(
  id INTEGER PRIMARY KEY,
  rectification_id INTEGER NOT NULL REFERENCES rectifications(id),
  kind TEXT NOT NULL CHECK(kind IN ('yellow','red')),
  due_on TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  UNIQUE(rectification_id, kind, due_on)
);
CREATE TABLE sanctions(
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL CHECK(target IN ('unit','person')),
  unit_id INTEGER REFERENCES units(id),
  person_id INTEGER REFERENCES people(id),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  basis TEXT NOT NULL,
  decided_on TEXT NOT NULL,
  until_on TEXT,
  self_criticism INTEGER NOT NULL DEFAULT 0,
  campaign_id INTEGER REFERENCES campaigns(id),
  case_id INTEGER REFERENCES cases(id),
  created_at TEXT NOT NULL
);
CREATE TABLE vetoes(
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL CHECK(target IN ('unit','person')),
  unit_id INTEGER REFERENCES units(id),
  person_id INTEGER REFERENCES people(id),
  year INTEGER NOT NULL,
  reason TEXT NOT NULL,
  sanction_id INTEGER REFERENCES sanctions(id),
  created_at TEXT NOT NULL
);
CREATE TABLE refunds(
  id INTEGER PRIMARY KEY,
  school_id INTEGER NOT NULL REFERENCES units(id),
  campaign_id INTEGER REFERENCES campaigns(id),
  amount_cents INTEGER NOT NULL CHECK(amount_cents > 0),
  pupils INTEGER NOT NULL CHECK(pupils >= 0),
  refunded_on TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE bulletins(
  id INTEGER PRIMARY KEY,
  quarter TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK(state IN ('draft','approved','published')),
  snapshot TEXT NOT NULL,
  narrative TEXT NOT NULL DEFAULT '',
  hash TEXT,
  checkpoint TEXT,
  approved_by INTEGER REFERENCES accounts(id),
  approved_at TEXT,
  published_at TEXT,
  drafted_at TEXT NOT NULL
);
CREATE TRIGGER bulletins_frozen BEFORE UPDATE OF snapshot, narrative, quarter ON bulletins
  WHEN OLD.state != 'draft' BEGIN SELECT RAISE(ABORT, 'bulletin frozen'); END;
