-- A merged item's case names the items merged into it (cases/views.cc: the case page links both ways) through this,
-- not by a scan; only merged items are in it.
CREATE INDEX cases_merged_into ON cases(merged_into) WHERE merged_into IS NOT NULL;
