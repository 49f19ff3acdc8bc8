-- the ledger. Each event commits to SHA-256(salt || payload) so that a payload can be erased later
-- while its leaf stays verifiable; tiles hold the Merkle tree (C2SP tlog-tiles); checkpoints are signed.
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
