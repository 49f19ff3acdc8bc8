-- events, organisations, accounts, cases, deadlines, supervision.
CREATE TABLE events(
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL,
  salt BLOB NOT NULL
);
CREATE INDEX events_subject ON events(subject, seq);

CREATE TABLE units(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('bureau','division','district_bureau','school','other')),
  parent_id INTEGER REFERENCES units(id),
  district TEXT,
  region_type TEXT CHECK(region_type IN ('urban','county','zone')),
  stage TEXT,
  ownership TEXT CHECK(ownership IN ('public','private')),
  address TEXT,
  lat REAL,
  lon REAL,
  enrolment INTEGER,
  migrant_designated INTEGER NOT NULL DEFAULT 0,
  role TEXT,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_district ON units(district, kind);

CREATE TABLE people(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  position TEXT,
  leader INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX people_unit ON people(unit_id);

CREATE TABLE relations(
  person_a INTEGER NOT NULL REFERENCES people(id),
  person_b INTEGER NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL,
  PRIMARY KEY(person_a, person_b)
);

CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  person_id INTEGER REFERENCES people(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  password_hash TEXT NOT NULL,
  roles TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  receipt TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  category TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  occurred_on TEXT,
  received_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  registered_by INTEGER REFERENCES accounts(id),
  owner_account INTEGER REFERENCES accounts(id),
  concerned_unit_id INTEGER REFERENCES units(id),
  district TEXT,
  handling_unit_id INTEGER REFERENCES units(id),
  restricted INTEGER NOT NULL DEFAULT 0,
  leadership_accused INTEGER NOT NULL DEFAULT 0,
  anonymous INTEGER NOT NULL,
  reporter_handle TEXT,
  external_ref TEXT,
  merged_into INTEGER REFERENCES cases(id),
  accepted_at TEXT,
  dispatched_at TEXT,
  signed_at TEXT,
  replied_at TEXT,
  closed_at TEXT,
  outcome TEXT,
  findings TEXT,
  proposal TEXT,
  reply TEXT,
  satisfaction INTEGER,
  checklist TEXT NOT NULL DEFAULT '{}',
  extension_days INTEGER NOT NULL DEFAULT 0,
  suspended_since TEXT,
  pending_request TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_state ON cases(state, id);
CREATE INDEX cases_received ON cases(received_at, id);
CREATE INDEX cases_handling ON cases(handling_unit_id, state);
CREATE INDEX cases_channel ON cases(channel, received_at);
CREATE UNIQUE INDEX cases_external ON cases(channel, external_ref) WHERE external_ref IS NOT NULL;

CREATE TABLE case_people(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  PRIMARY KEY(case_id, person_id)
);
CREATE INDEX case_people_person ON case_people(person_id);

CREATE TABLE reporters(
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  name TEXT,
  phone TEXT,
  phone_verified INTEGER NOT NULL DEFAULT 0,
  address TEXT
);

CREATE TABLE case_deadlines(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  start_day TEXT NOT NULL,
  term TEXT NOT NULL,
  due_on TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  clause TEXT NOT NULL,
  calendar_version TEXT NOT NULL,
  provisional INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','met','missed','cancelled')),
  met_at TEXT,
  PRIMARY KEY(case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines(status, due_on);

CREATE TABLE case_messages(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  public INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_messages_case ON case_messages(case_id, id);

CREATE TABLE blobs(
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE case_attachments(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  hash TEXT NOT NULL REFERENCES blobs(hash),
  name TEXT NOT NULL,
  PRIMARY KEY(case_id, hash)
);

CREATE TABLE supervision(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK(kind IN ('yellow','red','order')),
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
CREATE INDEX supervision_case ON supervision(case_id, kind);
CREATE UNIQUE INDEX supervision_card_once ON supervision(case_id, kind, deadline_kind, due_on)
  WHERE kind IN ('yellow','red');
