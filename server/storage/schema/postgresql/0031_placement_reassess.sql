-- Placement (placement/): which policy assessed each application (the SHA-256 of data/placement/policy.toml; a
-- start under another policy re-assesses the rest), the tier each child was run with (so that a later re-assessment
-- leaves a published record as it was), homes picked on the district's map (a grid cell kept as a compound of kind
-- 'cell'), the schools and seats a run placed into (so that seats entered later leave its record as it was), and
-- objections to a published result with the case each became.
ALTER TABLE placement_applications ADD COLUMN assessed_under TEXT NOT NULL DEFAULT '';
CREATE INDEX placement_applications_policy ON placement_applications(year, assessed_under);
-- The public notice reads a run's seats by school, the capacity board counts applications by district, grade,
-- state and tier: both from an index alone.
CREATE INDEX placement_results_school ON placement_results(run_id, school);
CREATE INDEX placement_applications_board ON placement_applications(year, district, grade, state, tier);
ALTER TABLE placement_results ADD COLUMN tier BIGINT;
ALTER TABLE placement_runs ADD COLUMN schools TEXT;
ALTER TABLE placement_compounds ADD COLUMN kind TEXT NOT NULL DEFAULT 'compound' CHECK(kind IN ('compound','cell'));
CREATE TABLE placement_objections(
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  application_id BIGINT NOT NULL REFERENCES placement_applications(id),
  run_id BIGINT NOT NULL REFERENCES placement_runs(id),
  created_at TEXT NOT NULL
);
CREATE INDEX placement_objections_application ON placement_objections(application_id);
UPDATE placement_results SET tier = (SELECT a.tier FROM placement_applications a WHERE a.id = placement_results.application_id);
