-- whose evidence a file is. An evidence file belongs to an inspection form or a rectification order
-- (uploaded for it); who may download it and whether an answer may cite it are decided from this row, found
-- by the file's hash, instead of searching every form's and order's JSON.
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
