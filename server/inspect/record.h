// A unit's record in the inspections over a period, as an evaluation (duty/) counts it: rectification orders not
// answered by their day, and one-vote vetoes (一票否决) on its units or people. Each comes back as a reference the
// evaluation shows beside the score.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cases/record.h"
#include "storage/db.h"

namespace qf::inspect {

// Orders on any of `schools` due in [from, to] that were answered after their day or are still unanswered after it
// (as of `to`).
absl::StatusOr<std::vector<cases::RecordRef>> LateRectifications(Db& db, const std::vector<int64_t>& schools,
                                                                absl::CivilDay from, absl::CivilDay to);
// Vetoes of `year` on any of `units` or on a person of one of them.
absl::StatusOr<std::vector<cases::RecordRef>> Vetoes(Db& db, const std::vector<int64_t>& units, int year);

}  // namespace qf::inspect
