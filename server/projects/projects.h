// Livelihood projects (民生工程): a year's projects with the responsible division and person, the days funds must be in
// place and works finished, targets per district (quantity and funds); each district's monthly report of cumulative
// progress (never going backwards; a correction replaces the month's); and the monthly board — every district's
// progress against 序时进度 (the share of the year elapsed), ranked, the laggards named (data/projects/policy.toml).
// Standings are pure; store functions run in writer commands (Tx) or on a reading connection (Db).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "storage/writer.h"

namespace qf::projects {

// ---- Policy and standings (pure) ----

struct Policy {
  double laggard_points = 10;  // behind 序时进度 by more than this many percentage points: a laggard
  std::string clause;
  int funds_month = 6, funds_day = 30, works_month = 11, works_day = 30;
  static absl::StatusOr<Policy> Load(const std::string& path);
  static absl::StatusOr<Policy> Parse(std::string_view toml_text, std::string_view source);
};

// 序时进度: the share of `month`'s year elapsed by its last day (January 31/365 … December 1).
double ScheduleShare(absl::CivilMonth month);
// The month a board of `year` shows when none is asked for: the last month ended as of `today` (the monthly board
// reports the month before), January of a year not yet begun, December of a past one.
absl::CivilMonth DefaultMonth(int year, absl::CivilDay today);
// A board's month as a request gives it (?month=1…12 of `year`; empty: DefaultMonth). Invalid naming `month`.
absl::StatusOr<absl::CivilMonth> BoardMonth(std::string_view month_text, int year, absl::CivilDay today);

struct Target {
  double quantity = 0, funds = 0;  // funds in 万元
};
struct Reported {
  double quantity_done = 0, funds_in_place = 0, funds_spent = 0;
};
// A district's standing on one project as of a month: the shares of its quantity and funds targets reached (each at
// most 100%), their mean as the progress index (percentage points), and whether it is behind 序时进度 by more than
// the policy allows.
struct Standing {
  double quantity_pct = 0, funds_pct = 0, spent_pct = 0, index = 0, schedule_pct = 0;
  bool laggard = false;
};
Standing StandingOf(const Policy& policy, const Target& target, const std::optional<Reported>& reported,
                    absl::CivilMonth month);

// ---- Store ----

struct ProjectRequest {
  int year = 0;
  std::string name, measure, person;
  int64_t unit_id = 0;  // the responsible division
  absl::CivilDay funds_due_on, works_due_on;
  struct Row {
    int64_t unit_id = 0;
    double quantity = 0, funds = 0;
  };
  std::vector<Row> targets;
};
absl::StatusOr<ProjectRequest> ParseProject(const boost::json::object& body, const Policy& policy);
absl::StatusOr<boost::json::object> CreateProject(Tx& tx, const ProjectRequest& req, const Principal& who);

struct ReportRequest {
  int64_t unit_id = 0;
  absl::CivilMonth month;
  Reported figures;
  std::string note;
};
absl::StatusOr<ReportRequest> ParseReport(const boost::json::object& body);
// A district (its staff, or the office) reports its cumulative figures for a month of the project's year, not after
// the current month: nothing below an earlier month's figures or above a later one's, spending within the funds in
// place. A second report of the same month replaces the first (a correction, recorded as such).
absl::StatusOr<boost::json::object> ReportProgress(Tx& tx, int64_t project_id, const ReportRequest& req,
                                                   const Principal& who);

absl::StatusOr<boost::json::object> ProjectList(Db& db, int year);
// One project: its targets with every monthly report and its evidence files, and its sites.
absl::StatusOr<boost::json::object> ProjectView(Db& db, int64_t id);
// The month's board: per project, every district's latest report by the month's end, its standing and rank; per
// district, the mean index over its projects and its rank; the laggards with what they are behind on.
absl::StatusOr<boost::json::object> Board(Db& db, const Policy& policy, int year, absl::CivilMonth month);

// ---- Sites, complaints, evidence ----

// A site of a project in a district with a target: one of the district's schools, or another place (its name and
// address; its coordinates, or the district bureau's) kept as a unit of kind "other" under the district bureau, so
// that an inspection addresses its forms, findings and rectification orders to a site as to a school.
struct SiteRequest {
  int64_t district_unit_id = 0, school_id = 0;
  std::string name, address, works;  // works: what the project does there
  std::optional<double> lat, lon;
};
absl::StatusOr<SiteRequest> ParseSite(const boost::json::object& body);
// The district's staff (or the office, or the project's division) add a site; each unit once per project.
absl::StatusOr<boost::json::object> AddSite(Tx& tx, int64_t project_id, const SiteRequest& req, const Principal& who);
struct Site {
  int64_t project_id = 0, unit_id = 0, district_unit_id = 0;
  std::string project;
};
// The sites of these projects (a campaign's frame when it inspects projects), by project and unit.
absl::StatusOr<std::vector<Site>> SitesOf(Db& db, const std::vector<int64_t>& project_ids);

// Links a complaint `who` may see to the project (one project per complaint: a second link moves it), or unlinks it;
// each a ledger event of the project.
absl::StatusOr<boost::json::object> LinkCase(Tx& tx, int64_t project_id, int64_t case_id, const Principal& who);
absl::Status UnlinkCase(Tx& tx, int64_t project_id, int64_t case_id, const Principal& who);
// The complaints linked to the project (every one; the caller lists those its reader may see), and the project a
// complaint is linked to (0: none).
absl::StatusOr<std::vector<int64_t>> LinkedCases(Db& db, int64_t project_id);
absl::StatusOr<boost::json::object> ProjectOfCase(Db& db, int64_t case_id);

// A photo or PDF as evidence of a district's report of a month (kept when the month is corrected): those who may
// report for the district.
absl::StatusOr<std::string> AddReportEvidence(Tx& tx, int64_t project_id, int64_t unit_id, const std::string& month,
                                              const std::string& name, const std::string& data, const Principal& who);
struct EvidenceFile {
  std::string mime, data, name;
};
// A report's evidence file by its SHA-256: the office, leaders and intake staff; the district's staff and the
// project's division.
absl::StatusOr<EvidenceFile> ReportEvidence(Db& db, int64_t project_id, const std::string& hash, const Principal& who);

// The board in numbers, for the half-year summary: projects, districts, 序时进度, the districts with every project on
// pace, and each laggard as "district的project".
struct Figures {
  int projects = 0, districts = 0, on_pace = 0;
  double schedule_pct = 0;
  std::vector<std::string> laggards;
};
absl::StatusOr<Figures> FiguresAt(Db& db, const Policy& policy, int year, absl::CivilMonth month);

}  // namespace qf::projects
