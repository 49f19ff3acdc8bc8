-- The case list's filters each have an index that also serves the newest-first order (issue: lists at 10^6).
CREATE INDEX cases_category ON cases(category, received_at);
CREATE INDEX cases_district ON cases(district, received_at);
