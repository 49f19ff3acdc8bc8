// Reads and checks shared by the projects store files (not part of the module's interface): the project row, the
// months as stored, and who may act for a district of a project.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "storage/db.h"

namespace qf::projects {

// The ledger subject of a project: "project:ID".
std::string Subject(int64_t id);
std::optional<absl::CivilMonth> ParseMonth(std::string_view s);  // "YYYY-MM"
std::string MonthText(absl::CivilMonth m);

struct ProjectRow {
  int64_t id = 0, unit_id = 0;
  int year = 0;
  std::string name;
};
// NotFound (projects.not_found) when there is no such project.
absl::StatusOr<ProjectRow> LoadProject(Db& db, int64_t id);
// The project has a target for the district, else Invalid with `code`, naming `field`.
absl::Status HasTarget(Db& db, int64_t project_id, int64_t unit_id, std::string_view code, std::string_view field);
// Who acts for a district of a project (reports, evidence, sites): the district's own staff (or a unit above it), the
// project's responsible division and the office; Forbidden (projects.scope) with `refusal` otherwise.
absl::Status MayActFor(Db& db, const ProjectRow& p, int64_t district_unit_id, const Principal& who,
                       std::string_view refusal);

}  // namespace qf::projects
