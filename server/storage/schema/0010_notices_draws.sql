-- public notices with their entries and objections; draw pools, draws and supervisor assignments.
CREATE TABLE notices(
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  issuing_unit_id INTEGER NOT NULL REFERENCES units(id),
  state TEXT NOT NULL CHECK(state IN ('draft','published','final','archived')),
  warnings TEXT NOT NULL DEFAULT '[]',
  publish_at TEXT,
  closes_at TEXT,
  last_day TEXT,
  final_day TEXT,
  list_hash TEXT,
  list_seq INTEGER,
  created_by INTEGER REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
CREATE TABLE notice_entries(
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  seq INTEGER NOT NULL,
  row_number INTEGER NOT NULL,
  data TEXT NOT NULL,
  counted INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'active' CHECK(status IN ('active','corrected','removed')),
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(notice_id, seq)
);
CREATE TABLE notice_objections(
  id INTEGER PRIMARY KEY,
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  entry_seq INTEGER,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  created_at TEXT NOT NULL
);
CREATE INDEX notice_objections_notice ON notice_objections(notice_id);

CREATE TABLE pool_members(
  id INTEGER PRIMARY KEY,
  pool TEXT NOT NULL CHECK(pool IN ('expert','inspector','supervisor')),
  code TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id),
  specialty TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  lat REAL,
  lon REAL,
  former_unit_ids TEXT NOT NULL DEFAULT '[]',
  relative_exam_unit_ids TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  UNIQUE(pool, code),
  UNIQUE(pool, person_id)
);
CREATE TABLE draws(
  id INTEGER PRIMARY KEY,
  purpose TEXT NOT NULL,
  pool TEXT NOT NULL,
  conditions TEXT NOT NULL,
  count INTEGER NOT NULL,
  backups INTEGER NOT NULL,
  recusal TEXT NOT NULL,
  candidates TEXT NOT NULL,
  excluded TEXT NOT NULL,
  commitment TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  requested_by INTEGER NOT NULL REFERENCES accounts(id),
  witness_account INTEGER NOT NULL REFERENCES accounts(id),
  requested_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('committed','drawn','released')),
  public_value TEXT,
  drawn_at TEXT,
  call_order TEXT,
  calls TEXT NOT NULL DEFAULT '[]',
  secret TEXT,
  selected TEXT,
  released_at TEXT
);
CREATE TABLE assignments(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  input TEXT NOT NULL,
  result TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts(id),
  created_at TEXT NOT NULL
);
