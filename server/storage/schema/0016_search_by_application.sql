-- The search index is written by the application (search::IndexCase, in the writer's transaction), the same code
-- on both backends, instead of by triggers that only SQLite can run. The delete trigger stays: cases are never
-- deleted, and if one were, its entry must not outlive it.
DROP TRIGGER case_fts_insert;
DROP TRIGGER case_fts_update;
