-- The case list's filters each have an index that also serves the newest-first order (issue: lists at 10^6).
CREATE INDEX cases_category ON cases(category, received_at);
CREATE INDEX cases_district ON cases(district, received_at);
-- A state with many cases (every new registration) is listed newest first straight from this index, which
-- replaces (state, id): every index ends in the rowid, so it also serves lookups by state alone.
DROP INDEX cases_state;
CREATE INDEX cases_state_received ON cases(state, received_at);
