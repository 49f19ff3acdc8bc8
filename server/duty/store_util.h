// Reads shared by the duty store files (not part of the module's interface).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "auth/roles.h"
#include "common/status.h"
#include "common/timefmt.h"

namespace qf::duty {

// A day as the store keeps it; DataLoss when it cannot be read.
inline absl::StatusOr<absl::CivilDay> StoredDay(const std::string& text) {
  if (auto d = ParseDay(text)) return *d;
  return MakeError(absl::StatusCode::kDataLoss, "db.corrupt_date", "无法读取存储的日期：" + text);
}

// Whether the caller is the discipline office (督办).
inline bool Office(const Principal& who) { return who.Has(kSupervisor); }

}  // namespace qf::duty
