// Dashboard figures for a range of received days (China Standard Time), read from the rollups that cases keep in
// the writer's transaction (cases/store.cc ApplyFigures): counts by channel, category, district, month and state, on-time
// handling, average handling days, ratings, named reports, and what is overdue now. Same answer as
// cases::StatsFromCases, at a cost that grows with days × dimensions instead of cases.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/db.h"

namespace qf::reports {

absl::StatusOr<boost::json::object> Dashboard(Db& db, const std::string& from, const std::string& to, absl::Time now);

}  // namespace qf::reports
