-- The console's applications of one state, newest first (placement_store.cc, ApplicationsSql): the discipline office
-- asks for every district's, which no index served — it read the year's every application and sorted them (40–90 ms
-- for two submitted among the demo's 43,002). A district's: the district index with the id at its end, so that its
-- newest come first without a sort (SQLite's ends with the rowid by itself; written out so that both backends keep
-- the same indexes, tests/system/schema_test.py).
CREATE INDEX placement_applications_state ON placement_applications(year, state, id);
DROP INDEX placement_applications_district;
CREATE INDEX placement_applications_district ON placement_applications(year, district, state, id);
