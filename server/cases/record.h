// A unit's record in the complaints over a period, as an evaluation (duty/) counts it, and the supervision the
// half-year summary reports: the cases concerning its
// units that were closed as substantiated, and the cases it handled whose deadlines it missed. Each case comes back
// as a reference the evaluation shows beside the score, so the count can be checked one case at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "storage/db.h"

namespace qf::cases {

// One record an evaluation counted: its kind ("case", "rectification", …), its reference (a case's receipt, an
// id), a short label and the day that placed it in the period.
struct RecordRef {
  std::string kind, ref, label, day;
};

// Cases concerning any of `units`, closed in [from, to] with the outcome 予以支持 (support), merged ones excepted.
absl::StatusOr<std::vector<RecordRef>> Substantiated(Db& db, const std::vector<int64_t>& units, absl::CivilDay from,
                                                     absl::CivilDay to);
// Cases `unit` handles with a duty deadline (one watched as overall, not a step or a reporter's right) due in
// [from, to] that was missed: met after its day, or still open after it
// (as of `to`). One reference per case (its earliest missed deadline).
absl::StatusOr<std::vector<RecordRef>> Overdue(Db& db, int64_t unit, absl::CivilDay from, absl::CivilDay to);

// The public's side of the complaints received in [from, to], per concerned unit, as the self-evaluation index
// (duty/) counts them: the items received; of them repeats (merged into another item, or a matter already answered
// coming back) and media items (舆情); replied ones, of them contested (cases::Contested) — the rest are settled
// (息诉); rated ones, of them satisfied (cases::Satisfied).
struct ComplaintFigures {
  int64_t received = 0, repeats = 0, media = 0, replied = 0, contested = 0, rated = 0, satisfied = 0;
  ComplaintFigures& operator+=(const ComplaintFigures& o);
};
absl::StatusOr<std::map<int64_t, ComplaintFigures>> ComplaintsByUnit(Db& db, absl::CivilDay from, absl::CivilDay to);
// Per handling unit, the cases with a duty deadline (as Overdue watches them) due in [from, to], and of them those
// whose deadline was missed as Overdue counts it (as of `to`).
struct DeadlineFigures {
  int64_t due = 0, missed = 0;
};
absl::StatusOr<std::map<int64_t, DeadlineFigures>> DeadlinesByUnit(Db& db, absl::CivilDay from, absl::CivilDay to);

// Supervision over a period, as the half-year summary reports it: the orders (督办单), reminders (催办函),
// criticisms (通报批评) and cards issued in [from, to], and the items received then that were merged as repeats.
struct SupervisionFigures {
  int orders = 0, reminders = 0, criticisms = 0, yellow_cards = 0, red_cards = 0, merged = 0;
};
absl::StatusOr<SupervisionFigures> SupervisionBetween(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::cases
