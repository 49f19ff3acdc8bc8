// Reads shared by the inspection store files (not part of the module's interface).
#pragma once

#include <boost/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "auth/roles.h"
#include "inspect/states.h"
#include "storage/db.h"
#include "org/org.h"
#include "storage/writer.h"

namespace qf::inspect {

// The discipline office, leaders and inspectors see every rectification order and evidence file; a school its own.
inline bool OverseesInspections(const Principal& who) { return (who.roles & kCheckers) != 0; }
// The action codes for a view.
inline boost::json::array ActionsJson(const std::vector<std::string>& actions) {
  return boost::json::array(actions.begin(), actions.end());
}
// Keeps an uploaded evidence file (JPEG, PNG or PDF up to 5 MB) as evidence of a form or a rectification order.
absl::StatusOr<std::string> StoreEvidence(Tx& tx, std::string_view kind, int64_t subject_id, const std::string& name,
                                          const std::string& data);
// Whether the file was uploaded as evidence of that form or order (an answer may only cite its own files).
absl::StatusOr<bool> IsEvidenceOf(Db& db, std::string_view kind, int64_t subject_id, const std::string& hash);

using org::PersonName;
// The groups of a campaign: name, leader, members (names), schools.
absl::StatusOr<boost::json::array> GroupsJson(Db& db, int64_t campaign_id);
// Per sampled school: its form's state, findings and open rectifications.
absl::StatusOr<boost::json::array> FormsSummary(Db& db, int64_t campaign_id);

}  // namespace qf::inspect
