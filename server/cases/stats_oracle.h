// Statistics computed from the case rows themselves with GROUP BY: the oracle that the dashboard's rollups must
// equal (reports/rollup_test) and outrun (reports/reports_bench). Test and benchmark support only: it is built
// into the qf_oracles library, which the server binary does not link.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "storage/db.h"

namespace qf::cases {

// Items by channel, category, state, district and month received between two CST days (inclusive).
absl::StatusOr<boost::json::object> StatsFromCases(Db& db, const std::string& from, const std::string& to, absl::Time now);

}  // namespace qf::cases
