// Reads shared by the duty store files (not part of the module's interface).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "common/json_input.h"
#include "common/status.h"
#include "duty/duty.h"
#include "storage/db.h"
#include "common/timefmt.h"

namespace qf::duty {

// A day as the store keeps it; DataLoss when it cannot be read.
inline absl::StatusOr<absl::CivilDay> StoredDay(const std::string& text) {
  if (auto d = ParseDay(text)) return *d;
  return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date", "无法读取存储的日期：" + text);
}

// Whether the caller is the discipline office (督办).
inline bool Office(const Principal& who) { return who.Has(kSupervisor); }

// Links to Qingfeng's records in a request's array `field` (at most `max`, of the given kinds: case by receipt;
// campaign, notice, rectification, veto, talk, evaluation by number); errors go to `in`, named by position.
std::vector<Link> ParseLinks(JsonInput& in, std::string_view field, const std::vector<std::string_view>& kinds, size_t max);
// The record a link names, as views label it; Invalid naming `field` when it does not exist.
absl::StatusOr<std::string> LinkLabel(Db& db, const Link& l, std::string_view field);
// Every link checked and labelled, as views and records keep them ({kind, ref, label}); the first missing record's
// error names `field`[i].
absl::StatusOr<boost::json::array> LabelledLinks(Db& db, const std::vector<Link>& links, std::string_view field);

// Who reads confidential records (talks, accountability decisions): the office, a leader, and the people such a
// record may not reach them about (themselves and their declared relatives), read once per request.
struct Reader {
  bool office = false, leader = false;
  std::vector<int64_t> walled_people;
  bool Walled(int64_t person) const;
};
absl::StatusOr<Reader> ReaderOf(Db& db, const Principal& who);

// A unit as evaluations see it, and the units whose records count for it: itself, and for a district bureau the
// active schools of its district.
struct UnitRow {
  int64_t id = 0;
  std::string name, kind, district;
};
absl::StatusOr<UnitRow> MustUnit(Db& db, int64_t id);
absl::StatusOr<std::vector<int64_t>> ScopeOf(Db& db, const UnitRow& u);

// Rows ordered by the number under `key`, lowest first (where attention is due); rows without one (null) last, in
// their order.
void LowestFirst(boost::json::array& rows, std::string_view key);

// The public's rating by school: each respondent's satisfied share, by the school their code was given to, over
// the surveys opening in [from, to].
absl::StatusOr<std::map<int64_t, std::vector<double>>> RatingsBySchool(Db& db, absl::CivilDay from, absl::CivilDay to);

}  // namespace qf::duty
