// Who may see and act on a case, in one place: scope by role (the discipline office sees everything; intake
// staff and leaders every case that is not restricted; a handler the cases handled in their unit subtree), then
// the wall (信访工作条例 第三十条: never a case naming the viewer or a declared relative, nor a restricted or
// leadership case about the viewer's own unit), and the passages blacked out for handlers. The case list's SQL
// and the detail's check both come from here. Reads on the caller's connection; errors fail closed (the caller
// answers with the error, never with the case).
#pragma once

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "cases/store.h"
#include "auth/roles.h"
#include "storage/db.h"

namespace qf::cases {

// Whether `who` may see the case at all.
absl::StatusOr<bool> CanSee(Db& db, const Row& c, const Principal& who);

// The same rule for the case list: a condition over `cases c` with its values in order (`?` placeholders). The
// viewer's relatives and the units above them are read once here, so the condition costs index probes per row
// (the handling unit's subtree through org's closure table), never a walk of the tree.
struct SqlCondition {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
  // When all the viewer may see lies in one unit's subtree (a handler with no wider role): that unit, whose cases
  // the handling-unit index lists; 0 otherwise.
  int64_t subtree = 0;
};
absl::StatusOr<SqlCondition> VisibleSql(Db& db, const Principal& who);
// Whether the case is handled in `who`'s unit subtree.
absl::StatusOr<bool> InHandlingUnit(Db& db, const Row& c, const Principal& who);
// Whether `unit` lies in `ancestor`'s subtree (both non-zero), else false.
absl::StatusOr<bool> UnitWithin(Db& db, int64_t unit, int64_t ancestor);

// Units a case may never reach: the concerned unit and the unit of every concerned person.
absl::StatusOr<std::set<int64_t>> WalledUnits(Db& db, int64_t concerned_unit, const std::vector<int64_t>& people);
// True when handling by `unit` would put the case in the hands of the accused (the unit is, or lies inside, a
// walled unit).
absl::StatusOr<bool> Breaches(Db& db, int64_t unit, const std::set<int64_t>& walled);

// For a viewer who only handles cases (no intake, supervision or leadership role), the passages marked at
// dispatch as identifying the reporter are replaced by ■, one per character, in the content and title.
void BlackOut(Row& c, const Principal& who);

}  // namespace qf::cases
