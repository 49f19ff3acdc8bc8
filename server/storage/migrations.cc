#include "storage/migrations.h"

#include <vector>

#include "common/strings.h"
#include "fmt/format.h"
#include "common/status.h"

namespace qf {
namespace {

// Each entry is one migration. Never edit a released entry: append a new one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kList = {
      // 1: events, organisations, accounts, cases, deadlines, supervision.
      R"sql(
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
)sql",
      // 2: the ledger. Each event commits to SHA-256(salt || payload) so that a payload can be erased later
      // while its leaf stays verifiable; tiles hold the Merkle tree (C2SP tlog-tiles); checkpoints are signed.
      R"sql(
ALTER TABLE events ADD COLUMN commitment BLOB;
ALTER TABLE events ADD COLUMN erased_at TEXT;
CREATE TABLE ledger_tiles(
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY(level, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_checkpoints(
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE ledger_cosignatures(
  size INTEGER NOT NULL REFERENCES ledger_checkpoints(size),
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY(size, witness)
);
CREATE TABLE ledger_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO ledger_meta(key, value) SELECT 'bootstrap', 'pending' WHERE EXISTS (SELECT 1 FROM events);
)sql",
      // 3: the inner nodes of sub-levels 4..8 of each full tile (31 hashes), so that proofs need no re-hashing
      // of whole tiles. Derived data: tiles without it are recomputed on read.
      R"sql(
ALTER TABLE ledger_tiles ADD COLUMN upper BLOB;
)sql",
      // 4: the second factor: a TOTP secret per account, the last time step used (no code twice), and the
      // SHA-256 of each unused recovery code.
      R"sql(
ALTER TABLE accounts ADD COLUMN totp_secret BLOB;
ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '[]';
)sql",
      // 5: reporter identities sealed to the discipline office's key. Rows stored in plain text by earlier
      // versions are sealed at start (the runtime does it: SQL cannot encrypt) and their plain columns cleared.
      R"sql(
ALTER TABLE reporters ADD COLUMN sealed BLOB;
)sql",
      // 6: passages of a case that would identify the reporter, marked at dispatch; blacked out for handlers.
      R"sql(
ALTER TABLE cases ADD COLUMN redactions TEXT NOT NULL DEFAULT '[]';
)sql",
      // 7: full-text search over title and content with the qf_cjk tokenizer (CJK bigrams, storage/fts.cc),
      // holding the text as handlers may read it (passages marked at dispatch blacked out), kept by triggers.
      R"sql(
CREATE VIRTUAL TABLE case_fts USING fts5(title, content, tokenize='qf_cjk');
CREATE TRIGGER case_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO case_fts(rowid, title, content)
    VALUES (new.id, qf_redact(new.title, new.redactions), qf_redact(new.content, new.redactions));
END;
CREATE TRIGGER case_fts_update AFTER UPDATE OF title, content, redactions ON cases BEGIN
  DELETE FROM case_fts WHERE rowid = old.id;
  INSERT INTO case_fts(rowid, title, content)
    VALUES (new.id, qf_redact(new.title, new.redactions), qf_redact(new.content, new.redactions));
END;
CREATE TRIGGER case_fts_delete AFTER DELETE ON cases BEGIN
  DELETE FROM case_fts WHERE rowid = old.id;
END;
INSERT INTO case_fts(rowid, title, content)
  SELECT id, qf_redact(title, redactions), qf_redact(content, redactions) FROM cases;
)sql",
      // 8: dashboard rollups kept by triggers in the same transaction as each change: per received day (China
      // Standard Time) the counts and measures, and per day the counts by channel, category, district and state,
      // so that a dashboard reads a few thousand rows instead of every case. server/reports/rollup_test.cc holds
      // them equal to GROUP BY over the cases.
      R"sql(
CREATE TABLE rollup_day(
  day TEXT PRIMARY KEY,
  received INTEGER NOT NULL DEFAULT 0,
  named INTEGER NOT NULL DEFAULT 0,
  replied INTEGER NOT NULL DEFAULT 0,
  handling_days REAL NOT NULL DEFAULT 0,
  rated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  handling_met INTEGER NOT NULL DEFAULT 0,
  handling_missed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE rollup_dim(
  dim TEXT NOT NULL,
  day TEXT NOT NULL,
  code TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(dim, day, code)
) WITHOUT ROWID;
CREATE TRIGGER case_rollup_insert AFTER INSERT ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(new.received_at, '+8 hours'), 1, (new.anonymous = 0), (new.replied_at IS NOT NULL),
            COALESCE(julianday(new.replied_at) - julianday(new.received_at), 0),
            (new.satisfaction IS NOT NULL), COALESCE(new.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(new.received_at, '+8 hours'), new.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(new.received_at, '+8 hours'), new.category, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(new.received_at, '+8 hours'), COALESCE(new.district, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(new.received_at, '+8 hours'), new.state, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER case_rollup_update AFTER UPDATE OF received_at, channel, category, district, anonymous, replied_at, satisfaction ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(old.received_at, '+8 hours'), -1, -(old.anonymous = 0), -(old.replied_at IS NOT NULL),
            -COALESCE(julianday(old.replied_at) - julianday(old.received_at), 0),
            -(old.satisfaction IS NOT NULL), -COALESCE(old.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(old.received_at, '+8 hours'), old.channel, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(old.received_at, '+8 hours'), old.category, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(old.received_at, '+8 hours'), COALESCE(old.district, ''), -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(new.received_at, '+8 hours'), 1, (new.anonymous = 0), (new.replied_at IS NOT NULL),
            COALESCE(julianday(new.replied_at) - julianday(new.received_at), 0),
            (new.satisfaction IS NOT NULL), COALESCE(new.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(new.received_at, '+8 hours'), new.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(new.received_at, '+8 hours'), new.category, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(new.received_at, '+8 hours'), COALESCE(new.district, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER state_rollup_update AFTER UPDATE OF state, received_at ON cases BEGIN
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(old.received_at, '+8 hours'), old.state, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(new.received_at, '+8 hours'), new.state, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER case_rollup_delete AFTER DELETE ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(old.received_at, '+8 hours'), -1, -(old.anonymous = 0), -(old.replied_at IS NOT NULL),
            -COALESCE(julianday(old.replied_at) - julianday(old.received_at), 0),
            -(old.satisfaction IS NOT NULL), -COALESCE(old.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(old.received_at, '+8 hours'), old.channel, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(old.received_at, '+8 hours'), old.category, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(old.received_at, '+8 hours'), COALESCE(old.district, ''), -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(old.received_at, '+8 hours'), old.state, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER deadline_rollup_insert AFTER INSERT ON case_deadlines WHEN new.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), (new.status = 'met'), (new.status = 'missed')
    FROM cases c WHERE c.id = new.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
CREATE TRIGGER deadline_rollup_update AFTER UPDATE OF status ON case_deadlines WHEN new.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), -(old.status = 'met'), -(old.status = 'missed')
    FROM cases c WHERE c.id = old.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), (new.status = 'met'), (new.status = 'missed')
    FROM cases c WHERE c.id = new.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
CREATE TRIGGER deadline_rollup_delete AFTER DELETE ON case_deadlines WHEN old.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), -(old.status = 'met'), -(old.status = 'missed')
    FROM cases c WHERE c.id = old.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
  SELECT date(received_at, '+8 hours'), COUNT(*), SUM(anonymous = 0), SUM(replied_at IS NOT NULL),
         TOTAL(julianday(replied_at) - julianday(received_at)), SUM(satisfaction IS NOT NULL),
         SUM(COALESCE(satisfaction >= 4, 0))
  FROM cases GROUP BY 1;
INSERT INTO rollup_day(day, handling_met, handling_missed)
  SELECT date(c.received_at, '+8 hours'), SUM(d.status = 'met'), SUM(d.status = 'missed')
  FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind = 'handling' GROUP BY 1
  ON CONFLICT DO UPDATE SET handling_met = excluded.handling_met, handling_missed = excluded.handling_missed;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'channel', date(received_at, '+8 hours'), channel, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'category', date(received_at, '+8 hours'), category, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'district', date(received_at, '+8 hours'), COALESCE(district, ''), COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'state', date(received_at, '+8 hours'), state, COUNT(*) FROM cases GROUP BY 2, 3;
)sql",
      // 9: repeat detection reads the search index's term statistics (search/repeats.h): no write-side cost.
      R"sql(
CREATE VIRTUAL TABLE case_fts_terms USING fts5vocab('case_fts', 'row');
)sql",
      // 10: public notices with their entries and objections; draw pools, draws and supervisor assignments.
      R"sql(
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
)sql",
      // 11: special inspections (campaigns, their audited sample, groups, checklists filled per school), findings
      // as rectification orders with cards, sanctions, one-vote vetoes, refunds, and frozen quarterly bulletins.
      R"sql(
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
)sql",
      // 12: the law's rules made explicit (issue 13). Cases keep the first dispatch (ping-pong does not reset the
      // clock), the reason for a back-dated receipt, the staff follow-up's rating apart from the reporter's own, how
      // often a reply was sent back for 重办, a link to an earlier matter, and the unit whose reply a review
      // concerns; each deadline keeps the extension and suspension applied to it (a recompute keeps them); a
      // review or re-review is asked once (the key) and answered by the level above (a unit here, or a body
      // outside to which it was forwarded); supervision records escalation letters (催办函, 通报批评);
      // campaigns owe their results by a day; draws record each expert's conclusions (void on recusal); a year's
      // holiday notice loaded by an administrator is kept (and applied at every start). The
      // dashboard rollups are kept by the application from now on (cases/store.h Figures), not by triggers, so
      // that they are the same on every backend; they gain acceptance and conclusion counts.
      R"sql(
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
)sql",
      // 13: whose evidence a file is. An evidence file belongs to an inspection form or a rectification order
      // (uploaded for it); who may download it and whether an answer may cite it are decided from this row, found
      // by the file's hash, instead of searching every form's and order's JSON.
      R"sql(
CREATE TABLE evidence(
  kind TEXT NOT NULL CHECK(kind IN ('form', 'rectification')),
  subject_id INTEGER NOT NULL,
  hash TEXT NOT NULL REFERENCES blobs(hash),
  name TEXT NOT NULL DEFAULT '',
  added_at TEXT NOT NULL,
  PRIMARY KEY(kind, subject_id, hash)
);
CREATE INDEX evidence_hash ON evidence(hash);
INSERT OR IGNORE INTO evidence(kind, subject_id, hash, added_at)
  SELECT 'rectification', r.id, e.value, COALESCE(r.answered_at, r.issued_at)
  FROM rectifications r, json_each(r.evidence) e WHERE e.value IN (SELECT hash FROM blobs);
INSERT OR IGNORE INTO evidence(kind, subject_id, hash, added_at)
  SELECT 'form', f.id, t.atom, COALESCE(f.updated_at, '')
  FROM inspection_forms f, json_tree(f.answers) t WHERE t.type = 'text' AND t.atom IN (SELECT hash FROM blobs);
)sql",
  };
  return kList;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::Status Migrate(Db& db) {
  QF_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"));
  int current = 0;
  {
    QF_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COALESCE(MAX(version),0) FROM schema_migrations"));
    QF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) current = static_cast<int>(st.Int(0));
  }
  if (current > LatestSchemaVersion())
    return MakeError(absl::StatusCode::kFailedPrecondition, "db.too_new",
                     fmt::format("数据库结构版本 {} 比本程序支持的 {} 新，请升级程序", current,
                                 LatestSchemaVersion()));
  const auto& list = Migrations();
  for (int v = current + 1; v <= LatestSchemaVersion(); ++v) {
    QF_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    absl::Status s = db.Exec(list[v - 1]);
    if (s.ok())
      s = db.Exec(fmt::format("INSERT INTO schema_migrations VALUES({}, strftime('%Y-%m-%dT%H:%M:%fZ','now'))", v));
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return absl::InternalError(fmt::format("迁移 {} 失败：{}", v, Str(s.message())));
    }
    QF_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return absl::OkStatus();
}

}  // namespace qf
