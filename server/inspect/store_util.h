// Reads shared by the inspection store files (not part of the module's interface).
#pragma once

#include <boost/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "storage/db.h"

namespace qf::inspect {

std::string PersonName(Db& db, int64_t person_id);
// The groups of a campaign: name, leader, members (names), schools.
absl::StatusOr<boost::json::array> GroupsJson(Db& db, int64_t campaign_id);
// Per sampled school: its form's state, findings and open rectifications.
absl::StatusOr<boost::json::array> FormsSummary(Db& db, int64_t campaign_id);

}  // namespace qf::inspect
