-- full-text search over title and content with the qf_cjk tokenizer (CJK bigrams, storage/fts.cc),
-- holding the text as handlers may read it (passages marked at dispatch blacked out), kept by triggers.
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
