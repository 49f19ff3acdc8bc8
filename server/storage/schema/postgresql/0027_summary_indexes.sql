-- The half-year summary reads the supervision issued in a period (cases/record.h SupervisionBetween) and the
-- campaigns that inspected a hotspot school (inspect.h CampaignsInspecting) through these, not by a scan.
CREATE INDEX supervision_issued ON supervision(issued_at, kind);
CREATE INDEX inspection_forms_school ON inspection_forms(school_id, campaign_id);
