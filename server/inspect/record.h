// Issuing an order to rectify, and a unit's record in the inspections over a period, as an evaluation (duty/) counts it: rectification orders not
// answered by their day, and one-vote vetoes (一票否决) on its units or people. Each comes back as a reference the
// evaluation shows beside the score.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cases/record.h"
#include "common/calendar.h"
#include "storage/db.h"
#include "storage/writer.h"

namespace qf::inspect {

// An order to rectify a finding within `term` (counted in working days by the calendar from today): the one way
// orders are issued, from an inspection's confirmed checklist (campaign and form) or from another check's finding
// (admissions/: neither). Appends "rectification.issued".
struct RectificationOrder {
  std::optional<int64_t> campaign_id, form_id;
  int64_t school_id = 0;
  std::string item, finding;
  Term term;
};
struct Issued {
  int64_t id = 0;
  absl::CivilDay due_on;
};
absl::StatusOr<Issued> IssueRectification(Tx& tx, const Calendar& calendar, const RectificationOrder& order);

// Orders on any of `schools` due in [from, to] that were answered after their day or are still unanswered after it
// (as of `to`).
absl::StatusOr<std::vector<cases::RecordRef>> LateRectifications(Db& db, const std::vector<int64_t>& schools,
                                                                absl::CivilDay from, absl::CivilDay to);
// Vetoes of `year` on any of `units` or on a person of one of them.
absl::StatusOr<std::vector<cases::RecordRef>> Vetoes(Db& db, const std::vector<int64_t>& units, int year);

}  // namespace qf::inspect
