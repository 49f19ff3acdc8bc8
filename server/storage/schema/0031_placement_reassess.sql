-- Placement (placement/): which policy assessed each application (the SHA-256 of data/placement/policy.toml; a
-- start under another policy re-assesses the rest), the tier each child was run with (so that a later re-assessment
-- leaves a published record as it was), homes picked on the district's map (a grid cell kept as a compound of kind
-- 'cell'), and objections to a published result with the case each became.
ALTER TABLE placement_applications ADD COLUMN assessed_under TEXT NOT NULL DEFAULT '';
CREATE INDEX placement_applications_policy ON placement_applications(year, assessed_under);
ALTER TABLE placement_results ADD COLUMN tier INTEGER;
ALTER TABLE placement_compounds ADD COLUMN kind TEXT NOT NULL DEFAULT 'compound' CHECK(kind IN ('compound','cell'));
CREATE TABLE placement_objections(
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  application_id INTEGER NOT NULL REFERENCES placement_applications(id),
  run_id INTEGER NOT NULL REFERENCES placement_runs(id),
  created_at TEXT NOT NULL
);
CREATE INDEX placement_objections_application ON placement_objections(application_id);
UPDATE placement_results SET tier = (SELECT a.tier FROM placement_applications a WHERE a.id = placement_results.application_id);
