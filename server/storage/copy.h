// Copies a whole database from one backend to the other (`qingfeng db copy`): every table in the order the schema
// creates them (so that a row's references exist before it), every row, in transactions of `batch` rows, into a
// target that has just been migrated to the same version and holds nothing yet. Tables the target derives itself
// (the search index) are left out by the caller; the target's identity sequences are moved past the copied keys.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "storage/db.h"

namespace qf {

struct CopyOptions {
  std::set<std::string> skip;  // tables not copied (prefixes: "case_fts" skips its shadow tables too)
  int64_t batch = 2000;
  std::function<void(std::string_view table, int64_t rows)> progress;  // after each batch
};

// FailedPrecondition "copy.not_empty" when `to` holds any event or unit; "copy.versions" when the two schemas are at
// different versions. On any other error the target is left partly filled: drop it and start again.
absl::Status CopyDatabase(Db& from, Db& to, const CopyOptions& opts);

}  // namespace qf
