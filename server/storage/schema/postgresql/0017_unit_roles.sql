-- The intake's routing reads every division's role at once (org::DivisionsByRole): divisions are found by kind
-- without walking every school of a province.
CREATE INDEX units_kind_role ON units(kind, role);
